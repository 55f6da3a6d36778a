/**
 * The cluster view: replicas on a ring, clients beside it, links (cut and partitioned ones drawn),
 * messages in flight placed by how far through their trip they are. React renders every element;
 * d3 only computes (shapes, arcs, interpolation) in the layout functions.
 */
import { memo, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { MessageRecord } from '../../sim/trace.ts';
import type { MessageType } from '../../protocol/index.ts';
import { messageLabel } from '../captions.ts';
import { nodeName, plural } from '../format.ts';
import { session } from '../controller.ts';
import { clusterPrimary, type ClientFrame, type NetworkFrame, type ReplicaFrame } from '../frame.ts';
import { drawMessages, fitTransform, hitMessage, toLayout, type CanvasView } from '../message-canvas.ts';
import { matchesHighlight, messageHighlightStore } from '../message-highlight.ts';
import { prefersReducedMotion } from '../motion.ts';
import {
  clusterHeight,
  clusterLayout,
  clusterWidth,
  linkSegment,
  nodePoint,
  replicaPairs,
  timerArcPath,
  timerRemaining,
  type ClusterLayout,
  type Point,
} from '../layout.ts';
import { messageGlyphPath, messageStyles, statusStyles } from '../palette.ts';
import { appStore, useApp, type Selection } from '../store.ts';
import { showSide } from '../workspace.ts';

const groupColors = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00'];

function select(selection: Selection | null): void {
  appStore().setState({ selection });
}

function onActivate(action: () => void) {
  return (event: KeyboardEvent) => {
    // Enter only: Space plays and pauses everywhere (see handleShortcut).
    if (event.key === 'Enter') {
      event.preventDefault();
      event.stopPropagation();
      action();
    }
  };
}

export function ClusterView() {
  const { replicaCount, clientCount } = useApp(
    useShallow((s) => ({
      replicaCount: s.frame?.replicas.length ?? 0,
      clientCount: s.frame?.clients.length ?? 0,
    })),
  );
  const layout = useMemo(() => clusterLayout(replicaCount, clientCount), [replicaCount, clientCount]);
  const wrap = useRef<HTMLDivElement>(null);
  const hitAt = (clientX: number, clientY: number): MessageRecord | null => {
    const frame = appStore().getState().frame;
    const box = wrap.current;
    if (frame === null || box === null) return null;
    const rect = box.getBoundingClientRect();
    const point = toLayout(
      fitTransform(layout, rect.width, rect.height),
      clientX - rect.left,
      clientY - rect.top,
    );
    return hitMessage(layout, frame.inFlight, frame.time, point);
  };
  return (
    <div
      className="cluster-wrap"
      ref={wrap}
      onClickCapture={(event) => {
        const hit = hitAt(event.clientX, event.clientY);
        if (hit === null) return;
        event.stopPropagation();
        event.preventDefault();
        inspectMessage(hit.id);
      }}
      onMouseMove={(event) => {
        const box = wrap.current;
        if (box === null) return;
        const hit = hitAt(event.clientX, event.clientY);
        box.style.cursor = hit === null ? '' : 'pointer';
        const rect = box.getBoundingClientRect();
        hoverStore.setState(
          {
            card:
              hit === null
                ? null
                : { record: hit, x: event.clientX - rect.left, y: event.clientY - rect.top },
          },
          true,
        );
      }}
      onMouseLeave={() => hoverStore.setState({ card: null }, true)}
    >
      <svg
        className="cluster"
        viewBox={`0 0 ${clusterWidth} ${clusterHeight}`}
        role="group"
        aria-label="Cluster view: replicas on a ring, clients on the left; messages in flight are listed below when paused"
      >
        <ClusterLinks layout={layout} />
        <ClusterReplicas layout={layout} />
        <ClusterClients layout={layout} />
        <PartitionCaption />
        <OverflowNote />
      </svg>
      <MessageCanvas layout={layout} />
      <MessageHoverCard />
    </div>
  );
}

/** The message under the pointer: a store of its own, so that hovering re-renders only the card. */
const hoverStore = createStore<{ readonly card: HoverState | null }>()(() => ({ card: null }));

interface HoverState {
  readonly record: MessageRecord;
  /** Where the pointer is, in the cluster view's box. */
  readonly x: number;
  readonly y: number;
}

/** The paper's section a message type belongs to, read from its description ("§4.1 step 3" → §4.1). */
export function paperSection(type: MessageType): string {
  return /§[\d.]+/.exec(messageStyles[type].description)?.[0] ?? '';
}

/**
 * A hover card for the message under the pointer: its type, from and to, view, op-number and the
 * paper's section. Its own state, so that hovering re-renders nothing else.
 */
function MessageHoverCard() {
  const card = useStore(hoverStore, (s) => s.card);
  if (card === null) return null;
  const { message } = card.record;
  const view = 'view' in message ? message.view : null;
  const op = 'opNumber' in message ? message.opNumber : null;
  return (
    <div className="hover-card" role="tooltip" style={{ left: card.x + 14, top: card.y + 14 }}>
      <strong>{message.type}</strong> <span className="muted">{paperSection(message.type)}</span>
      <div>{`${nodeName(card.record.from)} → ${nodeName(card.record.to)}`}</div>
      <div>
        {view === null ? null : `view ${view}`}
        {view !== null && op !== null ? ' · ' : null}
        {op === null ? null : `op-number ${op}`}
      </div>
      <div className="muted">{messageStyles[message.type].description}</div>
    </div>
  );
}

// ---------------------------------------------------------------- links

function ClusterLinks({ layout }: { readonly layout: ClusterLayout }) {
  const network = useApp((s) => s.frame?.network ?? null);
  const selected = useApp(
    useShallow((s) => (s.selection?.kind === 'link' ? [s.selection.a, s.selection.b] : null)),
  );
  if (network === null) return null;
  return (
    <LinksLayer
      layout={layout}
      network={network}
      selectedA={selected?.[0] ?? -1}
      selectedB={selected?.[1] ?? -1}
    />
  );
}

function blocked(network: NetworkFrame, from: number | string, to: number | string): boolean {
  if (network.cuts.includes(`${from}>${to}`)) return true;
  if (network.groups === null) return false;
  const group = (node: number | string) =>
    typeof node === 'number' ? network.groups![node] : network.clientGroups[node];
  const a = group(from);
  const b = group(to);
  return a !== undefined && a !== null && b !== undefined && b !== null && a !== b;
}

const LinksLayer = memo(function LinksLayer({
  layout,
  network,
  selectedA,
  selectedB,
}: {
  readonly layout: ClusterLayout;
  readonly network: NetworkFrame;
  readonly selectedA: number;
  readonly selectedB: number;
}) {
  const pairs = replicaPairs(layout.replicas.length);
  const clientLinks: [string, number][] = [];
  // Client links are drawn only when something blocks them.
  layout.clients.forEach((_, index) => {
    const client = `c${index}`;
    for (let replica = 0; replica < layout.replicas.length; replica++)
      if (blocked(network, client, replica) || blocked(network, replica, client))
        clientLinks.push([client, replica]);
  });
  return (
    <g className="links">
      {pairs.map(([a, b]) => {
        const isSelected = a === selectedA && b === selectedB;
        const pa = layout.replicas[a];
        const pb = layout.replicas[b];
        return (
          <g key={`${a}-${b}`}>
            <DirectedLink from={pa} to={pb} layout={layout} down={blocked(network, a, b)} />
            <DirectedLink from={pb} to={pa} layout={layout} down={blocked(network, b, a)} />
            <line
              className={isSelected ? 'link-hit selected' : 'link-hit'}
              x1={pa.x}
              y1={pa.y}
              x2={pb.x}
              y2={pb.y}
              role="button"
              aria-label={`Link between replica ${a} and replica ${b}`}
              onClick={() => {
                select({ kind: 'link', a, b });
                showSide('inspector');
              }}
            >
              <title>{`Link between replica ${a} and replica ${b}: click to cut or mend it`}</title>
            </line>
          </g>
        );
      })}
      {clientLinks.map(([client, replica]) => {
        const pc = nodePoint(layout, client);
        const pr = layout.replicas[replica];
        return (
          <g key={`${client}-${replica}`}>
            <DirectedLink from={pc} to={pr} layout={layout} down={blocked(network, client, replica)} />
            <DirectedLink from={pr} to={pc} layout={layout} down={blocked(network, replica, client)} />
          </g>
        );
      })}
    </g>
  );
});

function DirectedLink({
  from,
  to,
  layout,
  down,
}: {
  readonly from: Point;
  readonly to: Point;
  readonly layout: ClusterLayout;
  readonly down: boolean;
}) {
  const segment = linkSegment(from, to, layout.nodeRadius, 4);
  if (!down)
    return (
      <line className="link" x1={segment.from.x} y1={segment.from.y} x2={segment.to.x} y2={segment.to.y} />
    );
  // A down link: dashed, with a cross a third of the way from its sender.
  const cx = segment.from.x + (segment.to.x - segment.from.x) / 3;
  const cy = segment.from.y + (segment.to.y - segment.from.y) / 3;
  return (
    <g className="link-down">
      <line x1={segment.from.x} y1={segment.from.y} x2={segment.to.x} y2={segment.to.y} />
      <path d={`M${cx - 4},${cy - 4}L${cx + 4},${cy + 4}M${cx - 4},${cy + 4}L${cx + 4},${cy - 4}`} />
    </g>
  );
}

function PartitionCaption() {
  const groups = useApp((s) => s.frame?.network.groups ?? null);
  if (groups === null) return null;
  const byGroup = new Map<number, number[]>();
  groups.forEach((group, replica) => {
    if (group === null) return;
    byGroup.set(group, [...(byGroup.get(group) ?? []), replica]);
  });
  const text = [...byGroup.values()].map((members) => `{${members.join(', ')}}`).join(' | ');
  return (
    <text className="partition-caption" x={clusterWidth - 8} y={18} textAnchor="end">
      {`Partitioned: ${text}`}
    </text>
  );
}

// ---------------------------------------------------------------- messages

function inspectMessage(id: number): void {
  session().pause();
  select({ kind: 'message', id });
  showSide('inspector');
}

/** The canvas repaints from a store subscription: no React render per frame for moving messages. */
function MessageCanvas({ layout }: { readonly layout: ClusterLayout }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const canvas = ref.current;
    const context = canvas?.getContext('2d') ?? null;
    if (canvas === null || context === null) return;
    const reduced = prefersReducedMotion();
    let view: CanvasView = { width: 0, height: 0, pixelRatio: 1 };
    const paint = () => {
      const state = appStore().getState();
      const frame = state.frame;
      if (frame === null || view.width === 0) return;
      const selectedId = state.selection?.kind === 'message' ? state.selection.id : -1;
      const { highlights } = messageHighlightStore.getState();
      drawMessages(
        context,
        view,
        layout,
        frame.inFlight,
        frame.fading,
        frame.time,
        selectedId,
        reduced,
        highlights.length === 0 ? undefined : (record) => matchesHighlight(highlights, record),
      );
    };
    const resize = () => {
      const rect = canvas.getBoundingClientRect();
      const pixelRatio = window.devicePixelRatio || 1;
      view = { width: rect.width, height: rect.height, pixelRatio };
      canvas.width = Math.max(1, Math.round(rect.width * pixelRatio));
      canvas.height = Math.max(1, Math.round(rect.height * pixelRatio));
      paint();
    };
    const observer = new ResizeObserver(resize);
    observer.observe(canvas);
    resize();
    const unsubscribe = appStore().subscribe((state, previous) => {
      if (state.frame !== previous.frame || state.selection !== previous.selection) paint();
    });
    const unsubscribeHighlight = messageHighlightStore.subscribe(paint);
    return () => {
      observer.disconnect();
      unsubscribe();
      unsubscribeHighlight();
    };
  }, [layout]);
  return <canvas ref={ref} className="message-canvas" aria-hidden="true" />;
}

function OverflowNote() {
  const hidden = useApp((s) => (s.frame === null ? 0 : s.frame.inFlightTotal - s.frame.inFlight.length));
  if (hidden <= 0) return null;
  return (
    <text className="overflow-note" x={clusterWidth - 8} y={clusterHeight - 8} textAnchor="end">
      {`${hidden} more messages in flight not drawn`}
    </text>
  );
}

/** The accessible counterpart of the canvas: every message in flight as a button, while paused. */
export function InFlightList() {
  const [open, setOpen] = useState(false);
  const playing = useApp((s) => s.playing);
  const count = useApp((s) => s.panelFrame?.inFlightTotal ?? 0);
  const messages = useApp((s) => (s.playing || !open ? null : (s.panelFrame?.inFlight ?? null)));
  const selectedId = useApp((s) => (s.selection?.kind === 'message' ? s.selection.id : -1));
  return (
    <details className="in-flight" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary title="Every message on its way, as a list: pick one to inspect, drop or duplicate it.">
        {`Messages in flight: ${count}`}
      </summary>
      {!open ? null : playing || messages === null ? (
        <p className="muted">
          Pause to list them; click one (here or in the cluster view) to inspect, drop or duplicate it.
        </p>
      ) : (
        <ul>
          {messages.map((record) => (
            <li key={record.id}>
              <button
                type="button"
                className={record.id === selectedId ? 'message-item selected' : 'message-item'}
                aria-pressed={record.id === selectedId}
                onClick={() => inspectMessage(record.id)}
              >
                <svg width="14" height="14" viewBox="-8 -8 16 16" aria-hidden="true">
                  <path
                    d={messageGlyphPath(record.message.type, 70)}
                    fill={messageStyles[record.message.type].color}
                    stroke="#222"
                    strokeWidth={0.8}
                  />
                </svg>
                <span>{messageLabel(record)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

// ---------------------------------------------------------------- replicas

function ClusterReplicas({ layout }: { readonly layout: ClusterLayout }) {
  const replicas = useApp((s) => s.frame?.replicas ?? noReplicas);
  const groups = useApp((s) => s.frame?.network.groups ?? null);
  const selectedId = useApp((s) => (s.selection?.kind === 'replica' ? s.selection.id : -1));
  const current = clusterPrimary(replicas);
  return (
    <g className="replicas">
      {replicas.map((replica) => (
        <ReplicaNode
          key={replica.id}
          replica={replica}
          at={layout.replicas[replica.id]}
          radius={layout.nodeRadius}
          group={groups?.[replica.id] ?? null}
          selected={replica.id === selectedId}
          stale={replica.actingPrimary && current !== null && current !== replica.id}
        />
      ))}
    </g>
  );
}

/** Selects a replica and brings its card (with its fault buttons) into view; by keyboard, focuses them. */
function selectReplica(id: number, focus: boolean): void {
  select({ kind: 'replica', id });
  showSide('replicas');
  const card = document.getElementById(`replica-card-${id}`);
  card?.scrollIntoView({ block: 'nearest', behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
  if (focus) card?.querySelector<HTMLButtonElement>('.card-actions button')?.focus({ preventScroll: true });
}

const ReplicaNode = memo(function ReplicaNode({
  replica,
  at,
  radius,
  group,
  selected,
  stale,
}: {
  readonly replica: ReplicaFrame;
  readonly at: Point;
  readonly radius: number;
  readonly group: number | null;
  readonly selected: boolean;
  /** Normal primary of an older view than the cluster's current primary. */
  readonly stale: boolean;
}) {
  const style = statusStyles[replica.status];
  const crashed = replica.status === 'crashed';
  const label = crashed
    ? `Replica ${replica.id}: crashed`
    : `Replica ${replica.id}: ${replica.actingPrimary ? (stale ? 'primary of an old view, ' : 'primary, ') : ''}${replica.status}, view ${replica.view}`;
  return (
    <g
      className={`replica${selected ? ' selected' : ''}`}
      transform={`translate(${at.x.toFixed(1)},${at.y.toFixed(1)})`}
      role="button"
      tabIndex={0}
      aria-label={label}
      aria-pressed={selected}
      onClick={() => selectReplica(replica.id, false)}
      onKeyDown={onActivate(() => selectReplica(replica.id, true))}
    >
      <title>{`${label}. ${style.description}`}</title>
      {group !== null ? (
        <circle className="group-halo" r={radius + 12} stroke={groupColors[group % groupColors.length]} />
      ) : null}
      {selected ? <circle className="select-ring" r={radius + 9} /> : null}
      <TimerArc id={replica.id} radius={radius} />
      <circle
        r={radius}
        fill={style.fill}
        stroke={style.stroke}
        strokeWidth={replica.actingPrimary ? 4 : 2}
        strokeDasharray={crashed ? '5 4' : undefined}
      />
      {crashed ? (
        <path
          className="crash-cross"
          d={`M${-radius * 0.5},${-radius * 0.5}L${radius * 0.5},${radius * 0.5}M${-radius * 0.5},${radius * 0.5}L${radius * 0.5},${-radius * 0.5}`}
        />
      ) : null}
      <text className="replica-id" y={crashed ? 5 : -2} textAnchor="middle">
        {`R${replica.id}`}
      </text>
      {crashed ? null : (
        <text className="replica-view" y={13} textAnchor="middle">
          {`v${replica.view}`}
        </text>
      )}
      {replica.actingPrimary ? (
        <g className={`primary-badge${stale ? ' stale' : ''}`} transform={`translate(0,${-radius - 12})`}>
          <rect x={stale ? -36 : -26} y={-9} width={stale ? 72 : 52} height={17} rx={8} />
          <text y={4} textAnchor="middle">
            {stale ? 'old primary' : 'primary'}
          </text>
        </g>
      ) : null}
      <text className="replica-status" y={radius + 17} textAnchor="middle">
        {style.label}
      </text>
    </g>
  );
});

const noReplicas: readonly ReplicaFrame[] = [];
const noClients: readonly ClientFrame[] = [];

/**
 * The view-change timer as a draining ring. It is the only part of a replica that changes every
 * frame, so it reads the store itself (quantised to half a percent) and the node stays memoised.
 */
function TimerArc({ id, radius }: { readonly id: number; readonly radius: number }) {
  const fraction = useApp((s) => {
    const frame = s.frame;
    if (frame === null) return 0;
    const left = timerRemaining(
      frame.viewChangeDeadlines[id] ?? Infinity,
      frame.viewChangeTimeoutMs,
      frame.time,
    );
    return Math.round(left * 200) / 200;
  });
  if (fraction <= 0) return null;
  return <path className="timer" d={timerArcPath(fraction, radius + 2, radius + 6)} />;
}

// ---------------------------------------------------------------- clients

function ClusterClients({ layout }: { readonly layout: ClusterLayout }) {
  const clients = useApp((s) => s.frame?.clients ?? noClients);
  return (
    <g className="clients">
      {clients.map((client, index) => (
        <ClientNode key={client.id} client={client} at={layout.clients[index]} roomy={clients.length <= 8} />
      ))}
    </g>
  );
}

const ClientNode = memo(function ClientNode({
  client,
  at,
  roomy,
}: {
  readonly client: ClientFrame;
  readonly at: Point;
  /** Room below the box for the completed count. */
  readonly roomy: boolean;
}) {
  const waiting =
    client.pendingRequest === null ? 'idle' : `waiting for #${client.pendingRequest} '${client.pendingOp}'`;
  return (
    <g className="client" transform={`translate(${at.x},${at.y})`}>
      <title>{`Client ${client.id}: ${plural(client.completed, 'request')} completed, ${waiting}; believes view ${client.view}`}</title>
      <rect x={-18} y={-13} width={36} height={26} rx={5} />
      <text y={4} textAnchor="middle">
        {client.id}
      </text>
      {roomy ? (
        <text className="client-count" y={26} textAnchor="middle">
          {`${client.completed} done`}
        </text>
      ) : null}
    </g>
  );
});
