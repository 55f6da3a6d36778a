/**
 * The inspector shows what is selected in the cluster view: a message (its fields, its fate, and
 * drop / duplicate while it is in flight) or a link (cut one direction or both, mend).
 */
import { useShallow } from 'zustand/react/shallow';
import { describeCrashVector, type Message } from '../../protocol/index.ts';
import type { MessageRecord } from '../../sim/trace.ts';
import { messageLabel } from '../captions.ts';
import { session } from '../controller.ts';
import { formatTime, nodeName } from '../format.ts';
import { messageGlyphPath, messageStyles } from '../palette.ts';
import { appStore, useApp } from '../store.ts';

function close(): void {
  appStore().setState({ selection: null });
}

/** What became of a message that is no longer in flight, read from the trace up to `time`. */
function settledFate(record: MessageRecord, time: number): string {
  const journal = session().run.journal;
  for (let i = Math.max(0, record.sentBy + 1); i < journal.eventCount && journal.eventTime(i) <= time; i++) {
    if (journal.eventMessageId(i) !== record.id) continue;
    const event = journal.event(i);
    if (event.kind === 'deliver') return `delivered to ${nodeName(record.to)} at ${formatTime(event.time)}`;
    if (event.kind === 'lose') return `lost at ${formatTime(event.time)} (${event.reason})`;
  }
  return 'no longer in flight';
}

export function Inspector() {
  const selection = useApp((s) => s.selection);
  // Picking a message anywhere opens this tab (see showSide); nothing scrolls the page.
  if (selection === null || selection.kind === 'replica')
    return (
      <section className="inspector" aria-label="Inspector">
        <p className="muted">
          Pick a message (in the cluster view, the space-time diagram or the list below) or a link to inspect
          it here.
        </p>
      </section>
    );
  return (
    <section className="inspector" aria-label="Inspector">
      {selection.kind === 'message' ? (
        <MessageInspector id={selection.id} />
      ) : (
        <LinkInspector a={selection.a} b={selection.b} />
      )}
    </section>
  );
}

function MessageInspector({ id }: { readonly id: number }) {
  const { inFlight, time } = useApp(
    useShallow((s) => ({
      inFlight: s.panelFrame?.inFlight.some((m) => m.id === id) ?? false,
      time: s.panelFrame?.time ?? 0,
      generation: s.generation,
    })),
  );
  const journal = session().run.journal;
  const record: MessageRecord | undefined =
    id >= 0 && id < journal.messageCount ? journal.message(id) : undefined;
  if (record === undefined)
    return (
      <>
        <InspectorHead title={`Message #${id}`} />
        <p>This message no longer exists in this run (the run changed).</p>
      </>
    );
  const style = messageStyles[record.message.type];
  let fate: string;
  if (inFlight)
    fate =
      record.lostAt !== null
        ? `in flight; the network will lose it at ${formatTime(record.lostAt)} (${record.lossReason})`
        : `in flight; due at ${nodeName(record.to)} at ${formatTime(record.deliverAt)}`;
  else if (time < record.sentAt) fate = `not sent yet (it is sent at ${formatTime(record.sentAt)})`;
  else if (record.lostAt !== null && record.lostAt <= time)
    fate = `lost at ${formatTime(record.lostAt)} (${record.lossReason})`;
  else fate = settledFate(record, time);
  return (
    <>
      <InspectorHead title={`Message #${id}: ${record.message.type}`} />
      <p className="message-type">
        <svg width="18" height="18" viewBox="-9 -9 18 18" aria-hidden="true">
          <path d={messageGlyphPath(record.message.type, 90)} fill={style.color} stroke="#222" />
        </svg>
        <span>{style.description}</span>
      </p>
      <p className="sr-only">{messageLabel(record)}</p>
      <dl className="fields">
        <dt>from</dt>
        <dd>{nodeName(record.from)}</dd>
        <dt>to</dt>
        <dd>{nodeName(record.to)}</dd>
        <dt>sent</dt>
        <dd>{formatTime(record.sentAt)}</dd>
        <dt>status</dt>
        <dd>{fate}</dd>
        {record.duplicateOf !== null ? (
          <>
            <dt>duplicate of</dt>
            <dd>{`message #${record.duplicateOf}`}</dd>
          </>
        ) : null}
        {messageFields(record.message).map(([name, value]) => (
          <FieldRow key={name} name={name} value={value} />
        ))}
      </dl>
      <div className="row">
        <button
          type="button"
          className="danger"
          disabled={!inFlight}
          onClick={() => session().act({ type: 'drop', id })}
          title="Lose this very message on its way (it is never delivered)."
        >
          Drop message
        </button>
        <button
          type="button"
          disabled={!inFlight}
          onClick={() => session().act({ type: 'duplicate', id })}
          title="Deliver a second copy of this message after the same trip time."
        >
          Duplicate message
        </button>
      </div>
    </>
  );
}

function FieldRow({ name, value }: { readonly name: string; readonly value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </>
  );
}

function logSummary(log: readonly { op: string }[], firstOp = 1): string {
  if (log.length === 0) return 'empty';
  const tail = log
    .slice(-3)
    .map((entry, index) => `${firstOp + log.length - Math.min(3, log.length) + index}: '${entry.op}'`);
  return `${log.length} entries (ops ${firstOp}..${firstOp + log.length - 1}); last ${tail.join(', ')}`;
}

/** The protocol fields of a message, in words (view, op-number, commit-number, log, delta, nonce...). */
export function messageFields(message: Message): [string, string][] {
  const fields = paperFields(message);
  if ('crashVector' in message && message.crashVector !== undefined)
    fields.push([
      'crash vector',
      `${describeCrashVector(message.crashVector)} (incarnation of replica 0, 1, …)`,
    ]);
  return fields;
}

function paperFields(message: Message): [string, string][] {
  switch (message.type) {
    case 'request':
      return [
        ['client', message.client],
        ['request-number', String(message.request)],
        ['operation', `'${message.op}'`],
      ];
    case 'prepare':
      return [
        ['view', String(message.view)],
        ['op-number', String(message.opNumber)],
        ['commit-number', String(message.commitNumber)],
        [
          'operation',
          `'${message.entry.op}' (client ${message.entry.client}, request ${message.entry.request})`,
        ],
      ];
    case 'prepare_ok':
      return [
        ['view', String(message.view)],
        ['op-number', String(message.opNumber)],
        ['replica', String(message.replica)],
      ];
    case 'reply':
      return [
        ['view', String(message.view)],
        ['request-number', String(message.request)],
        ['result', `'${message.result}'`],
        ['replica', String(message.replica)],
      ];
    case 'commit':
      return [
        ['view', String(message.view)],
        ['commit-number', String(message.commitNumber)],
      ];
    case 'start_view_change':
      return [
        ['view', String(message.view)],
        ['replica', String(message.replica)],
      ];
    case 'do_view_change':
      return [
        ['view', String(message.view)],
        ['last normal view', String(message.lastNormalView)],
        ['op-number', String(message.opNumber)],
        ['commit-number', String(message.commitNumber)],
        ['log', logSummary(message.log)],
        ['replica', String(message.replica)],
      ];
    case 'start_view':
      return [
        ['view', String(message.view)],
        ['op-number', String(message.opNumber)],
        ['commit-number', String(message.commitNumber)],
        ['log', logSummary(message.log)],
      ];
    case 'get_state':
      return [
        ['view', String(message.view)],
        ['op-number', String(message.opNumber)],
        ['commit-number', String(message.commitNumber)],
        ['replica', String(message.replica)],
      ];
    case 'new_state':
      return [
        ['view', String(message.view)],
        ['op-number', String(message.opNumber)],
        ['commit-number', String(message.commitNumber)],
        ['log suffix', logSummary(message.entries, message.fromOp + 1)],
        [
          'state delta',
          `${message.state.delta.kind} delta since commit ${message.state.delta.sinceCommit}: ${message.state.delta.entries.length} items, ${message.state.clientTable.length} client-table rows`,
        ],
      ];
    case 'pre_view_change':
    case 'pre_view_change_ok':
      return [
        ['view', String(message.view)],
        ['replica', String(message.replica)],
      ];
    case 'crash_vector_request':
    case 'crash_vector_response':
    case 'recovery':
      return [
        ['replica', String(message.replica)],
        ['nonce', message.nonce.toString(16)],
      ];
    case 'recovery_response': {
      const fields: [string, string][] = [
        ['view', String(message.view)],
        ['nonce', message.nonce.toString(16)],
        ['replica', String(message.replica)],
      ];
      const state = message.primaryState;
      if (state === null) fields.push(['primary state', 'none (only the primary sends its state)']);
      else
        fields.push(
          ['op-number', String(state.opNumber)],
          ['commit-number', String(state.commitNumber)],
          ['log', logSummary(state.log)],
          [
            'state delta',
            `${state.state.delta.entries.length} items, ${state.state.clientTable.length} client-table rows`,
          ],
        );
      return fields;
    }
    case 'start_epoch':
      return [
        ['epoch', String(message.epoch)],
        ['new group', message.members.join(', ')],
        ['op-number', String(message.opNumber)],
        ['commit-number', String(message.commitNumber)],
        ['replica', String(message.replica)],
      ];
    case 'epoch_started':
      return [
        ['epoch', String(message.epoch)],
        ['replica', String(message.replica)],
      ];
    case 'new_epoch':
      return [
        ['epoch', String(message.epoch)],
        ['group', message.members.join(', ')],
        ['replica', String(message.replica)],
      ];
  }
}

/** A stable empty list: a selector must not return a fresh array each call. */
const noCuts: readonly string[] = [];

function LinkInspector({ a, b }: { readonly a: number; readonly b: number }) {
  const cuts = useApp((s) => s.panelFrame?.network.cuts ?? noCuts);
  const ab = cuts.includes(`${a}>${b}`);
  const ba = cuts.includes(`${b}>${a}`);
  const mend = () => {
    const actions = [];
    if (ab) actions.push({ type: 'mend' as const, from: a, to: b });
    if (ba) actions.push({ type: 'mend' as const, from: b, to: a });
    if (actions.length > 0) session().act(actions);
  };
  return (
    <>
      <InspectorHead title={`Link between replica ${a} and replica ${b}`} />
      <p>
        {`${a} → ${b}: ${ab ? 'cut' : 'up'}; ${b} → ${a}: ${ba ? 'cut' : 'up'}.`} A cut link loses every
        message sent over it in that direction; a partition (below) also blocks it.
      </p>
      <div className="row wrap">
        <button type="button" disabled={ab} onClick={() => session().act({ type: 'cut', from: a, to: b })}>
          {`Cut link ${a} → ${b}`}
        </button>
        <button type="button" disabled={ba} onClick={() => session().act({ type: 'cut', from: b, to: a })}>
          {`Cut link ${b} → ${a}`}
        </button>
        <button
          type="button"
          disabled={ab && ba}
          onClick={() =>
            session().act([
              ...(ab ? [] : [{ type: 'cut' as const, from: a, to: b }]),
              ...(ba ? [] : [{ type: 'cut' as const, from: b, to: a }]),
            ])
          }
        >
          Cut both ways
        </button>
        <button type="button" disabled={!ab && !ba} onClick={mend}>
          Mend link
        </button>
      </div>
    </>
  );
}

function InspectorHead({ title }: { readonly title: string }) {
  return (
    <header className="panel-head">
      <h2>{title}</h2>
      <button type="button" className="ghost" onClick={close} aria-label="Close inspector">
        ✕
      </button>
    </header>
  );
}
