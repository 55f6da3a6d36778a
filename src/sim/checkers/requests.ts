/**
 * Client requests, end to end, from the notes of clients and replicas:
 * - only-issued: a replica executes only a request a client issued (same client, number and op);
 * - at-most-once: a request executes at one op-number only, however often it was sent;
 * - reply-matches: a client accepts a reply only for an executed request, with that execution's result;
 * - acknowledged-kept: an op whose reply a client accepted is in the log of every later view's primary.
 * Per event O(notes); a new view's primary costs O(acknowledged ops) once per view change.
 */
import { AppendOnly } from '../../protocol/append-only.ts';
import { clientIndex, type Replica } from '../../protocol/index.ts';
import type { TraceEvent, Violation } from '../trace.ts';
import type { World } from '../world.ts';
import { violation } from './basic.ts';
import type { Checker } from './checker.ts';

/** A growing column indexed from 0, cheap to clone; writes below its end go to a small side table. */
class Column<T> {
  constructor(
    private items = new AppendOnly<T | undefined>(),
    private late = new Map<number, T>(),
  ) {}

  get(index: number): T | undefined {
    if (index < this.items.length) return this.items.at(index) ?? this.late.get(index);
    return undefined;
  }

  set(index: number, value: T): void {
    if (index < this.items.length) {
      this.late.set(index, value);
      return;
    }
    while (this.items.length < index) this.items.push(undefined);
    this.items.push(value);
  }

  clone(): Column<T> {
    return new Column(this.items.clone(), new Map(this.late));
  }
}

interface Execution {
  readonly opNumber: number;
  readonly result: string;
  readonly replica: number;
}

interface Acknowledged {
  readonly opNumber: number;
  readonly client: string;
  readonly request: number;
  readonly op: string;
}

/** Per client: what it issued and where each request first executed (request r at index r-1). */
interface ClientRecord {
  readonly issued: Column<string>;
  readonly executed: Column<Execution>;
}

export class RequestChecker implements Checker {
  readonly name = 'requests';

  constructor(
    private clients: (ClientRecord | undefined)[] = [],
    private acknowledged = new AppendOnly<Acknowledged>(),
  ) {}

  afterEvent(world: World, event: TraceEvent): Violation | null {
    const notes = event.notes;
    if (notes === null || notes.length === 0) return null;
    const node = event.node;
    if (typeof node === 'string') return this.clientNotes(world, event);
    if (typeof node !== 'number') return null;
    const replica = world.replicas[node];
    if (replica === null || replica === undefined) return null;
    for (let i = 0; i < notes.length; i++) {
      const note = notes[i];
      if (note.kind === 'executed') {
        const { entry, opNumber } = note;
        const record = this.client(clientIndex(entry.client));
        const issued = record.issued.get(entry.request - 1);
        if (issued !== entry.op)
          return violation(
            'only-issued',
            world,
            event,
            issued === undefined
              ? `replica ${node} executed request #${entry.request} of ${entry.client} as op ${opNumber}, but the client never issued it`
              : `replica ${node} executed '${entry.op}' as request #${entry.request} of ${entry.client}, but the client issued '${issued}'`,
            [node],
            [opNumber],
          );
        const first = record.executed.get(entry.request - 1);
        if (first === undefined)
          record.executed.set(entry.request - 1, { opNumber, result: note.result, replica: node });
        else if (first.opNumber !== opNumber)
          return violation(
            'at-most-once',
            world,
            event,
            `replica ${node} executed request #${entry.request} of ${entry.client} ('${entry.op}') as op ${opNumber}, but it already executed as op ${first.opNumber}`,
            [node, first.replica],
            [first.opNumber, opNumber],
          );
      } else if (note.kind === 'view-started' && note.primary === node) {
        const lost = this.checkKept(world, event, replica);
        if (lost !== null) return lost;
      }
    }
    return null;
  }

  private clientNotes(world: World, event: TraceEvent): Violation | null {
    const notes = event.notes!;
    for (let i = 0; i < notes.length; i++) {
      const note = notes[i];
      if (note.kind === 'invoked') {
        this.client(clientIndex(note.client)).issued.set(note.request - 1, note.op);
      } else if (note.kind === 'completed') {
        const execution = this.client(clientIndex(note.client)).executed.get(note.request - 1);
        if (execution === undefined)
          return violation(
            'reply-matches',
            world,
            event,
            `client ${note.client} accepted a reply to request #${note.request} ('${note.op}') that no replica executed`,
            [note.replica],
            [],
          );
        if (execution.result !== note.result)
          return violation(
            'reply-matches',
            world,
            event,
            `client ${note.client} accepted '${note.result}' for request #${note.request} ('${note.op}'), but it executed as op ${execution.opNumber} with result '${execution.result}'`,
            [note.replica, execution.replica],
            [execution.opNumber],
          );
        this.acknowledged.push({
          opNumber: execution.opNumber,
          client: note.client,
          request: note.request,
          op: note.op,
        });
      }
    }
    return null;
  }

  /** A new view's primary must hold every op a client was told is done, where it was done. */
  private checkKept(world: World, event: TraceEvent, primary: Replica): Violation | null {
    const acknowledged = this.acknowledged;
    for (let i = 0; i < acknowledged.length; i++) {
      const ack = acknowledged.at(i);
      const held = ack.opNumber <= primary.opNumber ? primary.log.at(ack.opNumber - 1) : undefined;
      if (held !== undefined && held.client === ack.client && held.request === ack.request) continue;
      return violation(
        'acknowledged-kept',
        world,
        event,
        `replica ${primary.id} started view ${primary.view} ${held === undefined ? 'without' : 'with another op in place of'} op ${ack.opNumber}, '${ack.op}' (${ack.client} #${ack.request}), whose reply the client had accepted`,
        [primary.id],
        [ack.opNumber],
      );
    }
    return null;
  }

  private client(index: number): ClientRecord {
    let record = this.clients[index];
    if (record === undefined) {
      record = { issued: new Column(), executed: new Column() };
      this.clients[index] = record;
    }
    return record;
  }

  clone(): RequestChecker {
    return new RequestChecker(
      this.clients.map((record) =>
        record === undefined
          ? undefined
          : { issued: record.issued.clone(), executed: record.executed.clone() },
      ),
      this.acknowledged.clone(),
    );
  }
}
