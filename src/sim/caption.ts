/** Human captions for trace events and messages, computed on demand (the trace stores only data). */
import { describeCrashVector, type Message, type Note } from '../protocol/index.ts';
import { nodeLabel, type TraceEvent, type TraceReader } from './trace.ts';
import type { Action } from './scenario-types.ts';

export function messageSummary(message: Message): string {
  switch (message.type) {
    case 'request':
      // The sender (the client) is named by whoever shows the message.
      return `request #${message.request} '${message.op}'`;
    case 'prepare':
      return `prepare op ${message.opNumber} '${message.entry.op}' (view ${message.view}, commit ${message.commitNumber})`;
    case 'prepare_ok':
      return `prepare_ok op ${message.opNumber} (view ${message.view})`;
    case 'reply':
      return `reply #${message.request} = '${message.result}' (view ${message.view})`;
    case 'commit':
      return `commit ${message.commitNumber} (view ${message.view})`;
    case 'start_view_change':
      return `start_view_change view ${message.view}`;
    case 'do_view_change':
      return `do_view_change view ${message.view}: ${message.opNumber} ops, last normal view ${message.lastNormalView}, commit ${message.commitNumber}`;
    case 'start_view':
      return `start_view view ${message.view}: ${message.opNumber} ops, commit ${message.commitNumber}`;
    case 'get_state':
      return `get_state view ${message.view} after op ${message.opNumber}`;
    case 'new_state':
      return `new_state view ${message.view}: ops ${message.fromOp + 1}..${message.opNumber}, commit ${message.commitNumber}, delta of ${message.state.delta.entries.length} items`;
    case 'pre_view_change':
      return `pre_view_change: who still hears primary of view ${message.view}?`;
    case 'pre_view_change_ok':
      return `pre_view_change_ok view ${message.view}: no word from its primary here either`;
    case 'crash_vector_request':
      return `crash_vector_request nonce ${message.nonce.toString(16)}`;
    case 'crash_vector_response':
      return `crash_vector_response nonce ${message.nonce.toString(16)}${message.crashVector === undefined ? '' : `: incarnations ${describeCrashVector(message.crashVector)}`}`;
    case 'recovery':
      return `recovery nonce ${message.nonce.toString(16)}${message.crashVector === undefined ? '' : `, incarnations ${describeCrashVector(message.crashVector)}`}`;
    case 'recovery_response':
      return `recovery_response view ${message.view} nonce ${message.nonce.toString(16)}${message.primaryState === null ? '' : ` with state: ${message.primaryState.opNumber} ops, commit ${message.primaryState.commitNumber}`}`;
    case 'start_epoch':
      return `start_epoch ${message.epoch}: replicas ${message.members.join(' ')}, fetch the state up to op ${message.opNumber}`;
    case 'epoch_started':
      return `epoch_started ${message.epoch}: this member holds the state the epoch began with`;
    case 'new_epoch':
      return `new_epoch ${message.epoch}: the group is now replicas ${message.members.join(' ')}`;
  }
}

export function noteCaption(note: Note): string {
  switch (note.kind) {
    case 'ignored':
      return `ignored ${note.messageType}: ${note.reason}`;
    case 'status':
      return `status ${note.from} → ${note.to} (view ${note.view})`;
    case 'view-change-started':
      return `started view change to view ${note.view}: ${note.reason}`;
    case 'view-change-probed':
      return `asked the others whether they still hear the primary of view ${note.view}: ${note.reason}`;
    case 'view-started':
      return `view ${note.view} started, primary ${note.primary} (${note.via})`;
    case 'prepared':
      return `assigned op ${note.opNumber} to '${note.entry.op}'`;
    case 'executed':
      return `executed op ${note.opNumber} '${note.entry.op}' → '${note.result}'`;
    case 'state-installed':
      return `installed state up to commit ${note.commitNumber} from ${note.via} (${note.deltaItems} items shipped)`;
    case 'state-requested':
      return `asked replica ${note.target} for the state of view ${note.view}: ${note.reason}`;
    case 'recovery-started':
      return `recovering with nonce ${note.nonce.toString(16)}`;
    case 'epoch-started':
      return `entered epoch ${note.epoch}: replicas ${note.members.join(' ')} (reconfiguration op ${note.startOp})`;
    case 'incarnation-started':
      return `learned the crash vector ${describeCrashVector(note.crashVector)}: this is incarnation ${note.incarnation}`;
    case 'incarnation-seen':
      return `replica ${note.replica} restarted (incarnation ${note.incarnation})${note.dropped.length === 0 ? '' : `: its old ${note.dropped.join(', ')} no longer count${note.dropped.length === 1 ? 's' : ''}`}`;
    case 'recovered':
      return `recovered into view ${note.view} from primary ${note.primary} (responses from ${note.responders.join(', ')})`;
    case 'invoked':
      return `${note.client} sent request #${note.request} '${note.op}'`;
    case 'completed':
      return `${note.client} got '${note.result}' for #${note.request} from replica ${note.replica} (view ${note.view})`;
    case 'client-retry':
      return `${note.client} resent #${note.request} to every replica`;
    case 'info':
      return note.text;
  }
}

export function actionCaption(action: Action): string {
  switch (action.type) {
    case 'request':
      return `client c${action.client} asked for '${action.op}'`;
    case 'crash':
      return `replica ${action.replica} crashed`;
    case 'restart':
      return `replica ${action.replica} restarted (its state is lost)`;
    case 'partition':
      return `network partitioned: ${action.groups.map((g) => `{${g.join(', ')}}`).join(' | ')}`;
    case 'heal':
      return 'network healed';
    case 'cut':
      return `link ${action.from} → ${action.to} cut`;
    case 'mend':
      return `link ${action.from} → ${action.to} mended`;
    case 'drop':
      return action.id !== undefined
        ? `message #${action.id} dropped by hand`
        : `drop the next ${action.count ?? 1} ${action.message ?? 'message'}(s)${action.from !== undefined ? ` from ${action.from}` : ''}${action.to !== undefined ? ` to ${action.to}` : ''}`;
    case 'duplicate':
      return `message #${action.id} duplicated by hand`;
    case 'network':
      return `network: ${[action.latencyMs && `latency ${action.latencyMs[0]}-${action.latencyMs[1]} ms`, action.dropRate !== undefined && `drop ${action.dropRate}`, action.duplicateRate !== undefined && `duplicate ${action.duplicateRate}`].filter(Boolean).join(', ')}`;
    case 'timeout':
      return `replica ${action.replica}'s view-change timer fired by hand`;
    case 'control':
      return 'network controlled: nothing arrives and no timer fires unless chosen';
    case 'deliver':
      return `message #${action.id} delivered by choice`;
    case 'fire':
      return `replica ${action.replica}'s ${action.timer} timer fired by choice`;
    case 'pause':
      return `replica ${action.replica} paused (its state stays; its timers fall due and its messages queue)`;
    case 'resume':
      return `replica ${action.replica} resumed`;
    case 'workload':
      return action.requestsPerClient > 0
        ? `steady workload on: up to ${action.requestsPerClient} random requests per client`
        : 'steady workload off';
    case 'reconfigure':
      return `client c${action.client ?? 0} asked for a new group: replicas ${action.replicas.join(' ')}`;
  }
}

/** One line for an event of `trace`: what happened, to whom, and what followed. */
export function eventCaption(event: TraceEvent, trace: TraceReader): string {
  const who = event.node === null ? '' : `${nodeLabel(event.node)}: `;
  let head: string;
  switch (event.kind) {
    case 'deliver': {
      const known = recorded(trace, event.msgId);
      head = `${who}received ${known ? messageSummary(trace.messageBody(event.msgId)) : `message #${event.msgId}`}${known ? ` from ${nodeLabel(trace.messageFrom(event.msgId))}` : ''}`;
      break;
    }
    case 'lose': {
      const known = recorded(trace, event.msgId);
      head = `${known ? messageSummary(trace.messageBody(event.msgId)) : `message #${event.msgId}`} to ${nodeLabel(event.node)} lost (${event.reason})`;
      break;
    }
    case 'timer':
      head = `${who}${event.timer} timer fired`;
      break;
    case 'action':
      head = actionCaption(event.action);
      break;
    case 'workload':
      head = `${who}workload issues '${event.op}'`;
      break;
    case 'crash-stop':
      head = `${who}protocol assertion failed: ${event.error}`;
      break;
  }
  const notes =
    event.notes === null || event.notes.length === 0 ? '' : `; ${event.notes.map(noteCaption).join('; ')}`;
  return head + notes;
}

function recorded(trace: TraceReader, id: number): boolean {
  return Number.isInteger(id) && id >= 0 && id < trace.messageCount;
}
