/**
 * One card per replica: numbers in words, the log as a strip of cells, the quorum being collected,
 * the state machine and the client table, and the faults a person can inject into this replica.
 * Cards re-render only when their replica's frame changed (frames reuse unchanged parts).
 */
import { memo, useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { session } from '../controller.ts';
import { clusterPrimary, type ReplicaFrame } from '../frame.ts';
import { plural } from '../format.ts';
import { cellWidth, visibleCells } from '../log-cells.ts';
import { statusStyles } from '../palette.ts';
import { useApp } from '../store.ts';

/** A stable empty list: a selector must not return a fresh array each call. */
const noReplicas: readonly ReplicaFrame[] = [];

export function ReplicaCards() {
  const replicas = useApp((s) => s.panelFrame?.replicas ?? noReplicas);
  const selectedId = useApp((s) => (s.selection?.kind === 'replica' ? s.selection.id : -1));
  const replicaCount = replicas.length;
  const timeoutBaseMs = useApp((s) => s.scenario.timing.viewChangeTimeoutMs);
  const current = clusterPrimary(replicas);
  return (
    <div className="cards">
      {replicas.map((replica) => (
        <ReplicaCard
          key={replica.id}
          replica={replica}
          selected={replica.id === selectedId}
          replicaCount={replicaCount}
          timeoutBaseMs={timeoutBaseMs}
          stale={replica.actingPrimary && current !== null && current !== replica.id}
        />
      ))}
    </div>
  );
}

/**
 * Crash and Restart replace each other: focus goes to the card rather than to the button that took
 * the clicked one's place, so Space stays play / pause instead of undoing what was just done.
 */
function focusCard(id: number): void {
  document.getElementById(`replica-card-${id}`)?.focus({ preventScroll: true });
}

function isolate(id: number, replicaCount: number): void {
  const others = [];
  for (let replica = 0; replica < replicaCount; replica++) if (replica !== id) others.push(replica);
  session().act(others.length === 0 ? { type: 'heal' } : { type: 'partition', groups: [[id], others] });
}

const ReplicaCard = memo(function ReplicaCard({
  replica,
  selected,
  replicaCount,
  timeoutBaseMs,
  stale,
}: {
  readonly replica: ReplicaFrame;
  readonly selected: boolean;
  readonly replicaCount: number;
  /** The scenario's view-change timeout: the primary timeout a replica starts from. */
  readonly timeoutBaseMs: number;
  /** Still normal primary of an older view: it has not heard of the new one. */
  readonly stale: boolean;
}) {
  const id = replica.id;
  const crashed = replica.status === 'crashed';
  const style = statusStyles[replica.status];
  return (
    <section
      id={`replica-card-${id}`}
      tabIndex={-1}
      className={`card status-${replica.status}${selected ? ' selected' : ''}`}
      aria-label={`Replica ${id}`}
    >
      <header className="card-head">
        <h3>{`Replica ${id}`}</h3>
        {replica.actingPrimary ? (
          <span
            className={`badge primary${stale ? ' stale' : ''}`}
            title={
              stale
                ? 'It still acts as primary of its view: it has not heard that the others moved to a later view.'
                : undefined
            }
          >
            {stale ? 'old primary' : 'primary'}
          </span>
        ) : null}
        <span
          className="badge status"
          style={{ background: style.fill, borderColor: style.stroke }}
          title={style.description}
        >
          {style.label}
        </span>
        {replica.paused ? (
          <span
            className="badge paused"
            title="Paused, as in a GC pause or a stopped VM: it keeps its state, its timers fall due without firing, and messages wait for it. Resume it to see whether it disrupts a healthy primary."
          >
            paused
          </span>
        ) : null}
      </header>
      {crashed ? (
        <p className="numbers">crashed: everything in memory is lost; restart it to recover.</p>
      ) : (
        <p className="numbers">
          {replica.epoch > 0 || replica.members.length < replicaCount ? (
            <span title="§7: its epoch and the group of that epoch (the primary of view v is the group's v mod n-th member).">{`epoch ${replica.epoch}: group ${replica.members.join(' ')}`}</span>
          ) : null}
          <span>{`view ${replica.view}`}</span>
          <span>{`op ${replica.opNumber}`}</span>
          <span>{`commit ${replica.commitNumber}`}</span>
          <span>{`last normal view ${replica.lastNormalView}`}</span>
          {replica.nonce !== 0 ? <span>{`nonce ${replica.nonce.toString(16)}`}</span> : null}
          {replica.paused ? <span>{`${plural(replica.waiting, 'message')} waiting for it`}</span> : null}
          {replica.crashVector !== null ? (
            <span
              title={`Its crash vector: the incarnation it knows of replica 0, 1, …; its own is ${replica.crashVector[id]} (one more per restart). A quorum never counts a vote from an incarnation older than one it knows of.`}
            >{`crash vector [${replica.crashVector.join(',')}]`}</span>
          ) : null}
          {replica.primaryTimeoutMs !== timeoutBaseMs ? (
            <span title="Each time it suspected a primary that was in fact alive (heartbeats came late), it doubled how long it waits.">{`waits ${replica.primaryTimeoutMs} ms for its primary`}</span>
          ) : null}
          {replica.viewChangeBackoff > 1 ? (
            <span title="Each view change that does not complete doubles how long it waits for the next one, with jitter, so replicas stop racing each other (as Raft's randomized timeouts).">{`view-change backoff ×${2 ** (replica.viewChangeBackoff - 1)}`}</span>
          ) : null}
        </p>
      )}
      {crashed ? null : <LogStrip replica={replica} />}
      {replica.tallies.length === 0 && !crashed ? (
        // Keeps the tally's line so the card does not jump as quorums come and go while playing.
        <p className="tally" aria-hidden="true" />
      ) : null}
      {replica.tallies.map((tally) => (
        <p className="tally" key={tally.label}>
          <span>{`${tally.label}: ${tally.count} of ${tally.needed}`}</span>
          <meter
            min={0}
            max={Math.max(1, tally.needed)}
            value={Math.min(tally.count, tally.needed)}
            aria-label={`${tally.label} received`}
          />
        </p>
      ))}
      {crashed ? null : <StateDetails replica={replica} />}
      <div className="card-actions">
        {crashed ? (
          <button
            key="restart"
            type="button"
            onClick={() => {
              session().act({ type: 'restart', replica: id });
              focusCard(id);
            }}
            title="Restart it with empty memory: it must recover its state from the others (§4.3)."
          >
            {`Restart replica ${id}`}
          </button>
        ) : (
          <button
            key="crash"
            type="button"
            className="danger"
            onClick={() => {
              session().act({ type: 'crash', replica: id });
              focusCard(id);
            }}
            title="Crash it: it stops and loses everything in memory."
          >
            {`Crash replica ${id}`}
          </button>
        )}
        <button
          type="button"
          disabled={crashed || replica.status === 'recovering'}
          onClick={() => session().act({ type: 'timeout', replica: id })}
          title="Fire its view-change timer now: it starts a view change to the next view (§4.2)."
        >
          {`Fire timeout of replica ${id}`}
        </button>
        <button
          type="button"
          disabled={crashed}
          onClick={() => {
            session().act({ type: replica.paused ? 'resume' : 'pause', replica: id });
            focusCard(id);
          }}
          title={
            replica.paused
              ? 'Resume it: its overdue timers fire first, then the messages that waited arrive. PreVote keeps it from deposing a primary the others still hear.'
              : 'Pause it, as a GC pause or a stopped VM would: it keeps its state but does nothing until resumed.'
          }
        >
          {replica.paused ? `Resume replica ${id}` : `Pause replica ${id}`}
        </button>
        <button
          type="button"
          disabled={replicaCount < 2}
          onClick={() => isolate(id, replicaCount)}
          title="Partition the network so that this replica reaches no other replica (clients still reach everyone)."
        >
          {`Isolate replica ${id}`}
        </button>
      </div>
    </section>
  );
});

function LogStrip({ replica }: { readonly replica: ReplicaFrame }) {
  const wrap = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = wrap.current;
    if (element === null) return;
    const measure = () => setWidth(element.clientWidth);
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    measure();
    return () => observer.disconnect();
  }, []);
  const digits = String(Math.max(1, replica.opNumber)).length;
  const { shown: cells, earlier } = visibleCells(replica.log, replica.log[0]?.opNumber ?? 1, width, digits);
  const first = cells[0]?.opNumber ?? 0;
  const label =
    cells.length === 0
      ? 'Log: empty'
      : `Log, newest first: ops ${replica.opNumber} down to ${first}${earlier > 0 ? ` (the last ${cells.length})` : ''}, committed up to ${replica.commitNumber}`;
  return (
    <div className="log-wrap" ref={wrap}>
      <ol
        className="log"
        aria-label={label}
        reversed
        style={{ '--cell-width': `${cellWidth(digits) - 2}px` } as CSSProperties}
      >
        {cells.toReversed().map((cell) => (
          <li
            key={cell.opNumber}
            value={cell.opNumber}
            className={cell.committed ? 'cell committed' : 'cell prepared'}
            title={`op ${cell.opNumber}: '${cell.op}'\nclient ${cell.client}, request ${cell.request}\nprepared in view ${cell.view}\n${cell.committed ? 'committed' : 'prepared, not yet committed'}`}
          >
            <span className="sr-only">{`op ${cell.opNumber} ${cell.committed ? 'committed' : 'prepared'}`}</span>
            <span aria-hidden="true">{cell.opNumber}</span>
          </li>
        ))}
        {earlier > 0 ? (
          <li className="log-more" aria-hidden="true" title={`ops 1 to ${earlier} are not shown`}>
            {`… ${earlier} earlier`}
          </li>
        ) : null}
      </ol>
    </div>
  );
}

/** A <details> whose content is rendered only while open: closed, it costs nothing per frame. */
function Disclosure({ summary, children }: { readonly summary: string; readonly children: () => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary title="Show or hide the whole of it.">{summary}</summary>
      {open ? children() : null}
    </details>
  );
}

function StateDetails({ replica }: { readonly replica: ReplicaFrame }) {
  return (
    <div className="state-details">
      <Disclosure
        summary={`State machine: ${replica.stateKind === 'kv' ? plural(replica.stateSize, 'key') : plural(replica.stateSize, 'entry', 'entries')}`}
      >
        {() => (
          <>
            {replica.stateRows.length === 0 ? (
              <p className="muted">empty</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{replica.stateKind === 'kv' ? 'key' : 'position'}</th>
                    <th scope="col">value</th>
                  </tr>
                </thead>
                <tbody>
                  {replica.stateRows.map(([key, value]) => (
                    <tr key={key}>
                      <td>{key}</td>
                      <td className="value">{value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {replica.stateSize > replica.stateRows.length ? (
              <p className="muted">{`and ${replica.stateSize - replica.stateRows.length} more`}</p>
            ) : null}
          </>
        )}
      </Disclosure>
      <Disclosure summary={`Client table: ${plural(replica.clientTable.length, 'client')}`}>
        {() =>
          replica.clientTable.length === 0 ? (
            <p className="muted">no request executed yet</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">client</th>
                  <th scope="col">request</th>
                  <th scope="col">op</th>
                  <th scope="col">cached reply</th>
                </tr>
              </thead>
              <tbody>
                {replica.clientTable.map((row) => (
                  <tr key={row.client}>
                    <td>{row.client}</td>
                    <td>{row.request}</td>
                    <td>{row.op}</td>
                    <td className="value">{row.result}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Disclosure>
    </div>
  );
}

/** Who is primary now, as far as the cluster can tell. */
export function usePrimaryId(): number | null {
  return useApp((s) => clusterPrimary(s.panelFrame?.replicas ?? []));
}
