/**
 * Client requests, end to end, from the notes of clients and replicas:
 * - only-issued: a replica executes only a request a client issued (same client, number and op);
 * - at-most-once: a request executes at one op-number only, however often it was sent;
 * - reply-matches: a client accepts a reply only for an executed request, with that execution's result;
 * - acknowledged-kept: an op whose reply a client accepted in view v is in the log of the primary of
 *   every view after v. (A view before v may still start late, from DoViewChange messages sent
 *   before v: it can commit nothing, every other replica having moved on, and owes nothing.)
 * Per event O(notes); a new view's primary costs O(acknowledged ops) once per view change.
 */
import { AppendOnly, AppendOnlyNumbers } from '../../protocol/append-only.ts';
import { clientIndex, type NoteOf, type Replica } from '../../protocol/index.ts';
import { noteCompleted, noteExecuted, noteInvoked, noteViewStarted } from '../note-codes.ts';
import type { TraceEvent, Violation } from '../trace.ts';
import type { WorldView } from './checker.ts';
import { violation } from './basic.ts';
import { viewKey } from '../../protocol/index.ts';
import type { Checker } from './checker.ts';

/** What a Column keeps its items in: AppendOnly, or AppendOnlyNumbers for numbers. */
interface Sequence<T> {
  readonly length: number;
  at(index: number): T;
  push(item: T): void;
  clone(): Sequence<T>;
}

/**
 * A growing column indexed from 0, cheap to clone, where `none` marks a missing item (undefined, or
 * NaN in a column of numbers); writes below its end go to a side table.
 */
class Column<T> {
  constructor(
    private items: Sequence<T>,
    private readonly none: T,
    private late = new Map<number, T>(),
  ) {}

  get(index: number): T {
    if (index >= this.items.length) return this.none;
    const value = this.items.at(index);
    return Object.is(value, this.none) ? (this.late.get(index) ?? this.none) : value;
  }

  set(index: number, value: T): void {
    if (index < this.items.length) {
      this.late.set(index, value);
      return;
    }
    while (this.items.length < index) this.items.push(this.none);
    this.items.push(value);
  }

  clone(): Column<T> {
    return new Column(this.items.clone(), this.none, new Map(this.late));
  }
}

const textColumn = (): Column<string | undefined> =>
  new Column(new AppendOnly<string | undefined>(), undefined);
/** Numbers sit in typed chunks, which the garbage collector never scans. */
const numberColumn = (): Column<number> => new Column<number>(new AppendOnlyNumbers(), Number.NaN);

/**
 * Per client: what it issued and where each request first executed (request r at index r-1), as
 * columns rather than an object per request: a long run keeps every one of them.
 */
class ClientRecord {
  constructor(
    readonly issued = textColumn(),
    /** Op-number of the first execution (NaN: not executed), its result, and its replica. */
    readonly executedOps = numberColumn(),
    readonly executedResults = textColumn(),
    readonly executedReplicas = numberColumn(),
  ) {}

  clone(): ClientRecord {
    return new ClientRecord(
      this.issued.clone(),
      this.executedOps.clone(),
      this.executedResults.clone(),
      this.executedReplicas.clone(),
    );
  }
}

/** Ops whose reply a client accepted, in order: op-number, client, request number and the reply's view. */
class Acknowledged {
  constructor(
    readonly ops = new AppendOnlyNumbers(),
    readonly clients = new AppendOnly<string>(),
    readonly requests = new AppendOnlyNumbers(),
    readonly views = new AppendOnlyNumbers(),
  ) {}

  push(opNumber: number, client: string, request: number, view: number): void {
    this.ops.push(opNumber);
    this.clients.push(client);
    this.requests.push(request);
    this.views.push(view);
  }

  clone(): Acknowledged {
    return new Acknowledged(
      this.ops.clone(),
      this.clients.clone(),
      this.requests.clone(),
      this.views.clone(),
    );
  }
}

export class RequestChecker implements Checker {
  readonly name = 'requests';

  constructor(
    private clients: (ClientRecord | undefined)[] = [],
    private acknowledged = new Acknowledged(),
  ) {}

  afterEvent(world: WorldView, event: TraceEvent): Violation | null {
    const notes = event.notes;
    if (notes === null || notes.length === 0) return null;
    const node = event.node;
    if (typeof node === 'string') return this.clientNotes(world, event);
    if (typeof node !== 'number') return null;
    const replica = world.replicas[node];
    if (replica === null || replica === undefined) return null;
    const codes = world.noteCodesOf(event);
    for (let i = 0; i < notes.length; i++) {
      const code = codes[i];
      if (code === noteExecuted) {
        const note = notes[i] as NoteOf<'executed'>;
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
        const firstOp = record.executedOps.get(entry.request - 1);
        if (Number.isNaN(firstOp)) {
          record.executedOps.set(entry.request - 1, opNumber);
          record.executedResults.set(entry.request - 1, note.result);
          record.executedReplicas.set(entry.request - 1, node);
        } else if (firstOp !== opNumber)
          return violation(
            'at-most-once',
            world,
            event,
            `replica ${node} executed request #${entry.request} of ${entry.client} ('${entry.op}') as op ${opNumber}, but it already executed as op ${firstOp}`,
            [node, record.executedReplicas.get(entry.request - 1)],
            [firstOp, opNumber],
          );
      } else if (code === noteViewStarted && (notes[i] as NoteOf<'view-started'>).primary === node) {
        const lost = this.checkKept(world, event, replica);
        if (lost !== null) return lost;
      }
    }
    return null;
  }

  private clientNotes(world: WorldView, event: TraceEvent): Violation | null {
    const notes = event.notes!;
    const codes = world.noteCodesOf(event);
    for (let i = 0; i < notes.length; i++) {
      const code = codes[i];
      if (code === noteInvoked) {
        const note = notes[i] as NoteOf<'invoked'>;
        this.client(clientIndex(note.client)).issued.set(note.request - 1, note.op);
      } else if (code === noteCompleted) {
        const note = notes[i] as NoteOf<'completed'>;
        const record = this.client(clientIndex(note.client));
        const executedOp = record.executedOps.get(note.request - 1);
        if (Number.isNaN(executedOp))
          return violation(
            'reply-matches',
            world,
            event,
            `client ${note.client} accepted a reply to request #${note.request} ('${note.op}') that no replica executed`,
            [note.replica],
            [],
          );
        const executedResult = record.executedResults.get(note.request - 1);
        if (executedResult !== note.result)
          return violation(
            'reply-matches',
            world,
            event,
            `client ${note.client} accepted '${note.result}' for request #${note.request} ('${note.op}'), but it executed as op ${executedOp} with result '${executedResult}'`,
            [note.replica, record.executedReplicas.get(note.request - 1)],
            [executedOp],
          );
        const epoch = world.clients[clientIndex(note.client)]?.epoch ?? 0;
        this.acknowledged.push(executedOp, note.client, note.request, viewKey(epoch, note.view));
      }
    }
    return null;
  }

  /** A new view's primary must hold every op a client was told is done in an earlier view, where it was done. */
  private checkKept(world: WorldView, event: TraceEvent, primary: Replica): Violation | null {
    const acknowledged = this.acknowledged;
    for (let i = 0; i < acknowledged.ops.length; i++) {
      if (acknowledged.views.at(i) >= viewKey(primary.epoch, primary.view)) continue;
      const opNumber = acknowledged.ops.at(i);
      const client = acknowledged.clients.at(i);
      const request = acknowledged.requests.at(i);
      const held = opNumber <= primary.opNumber ? primary.log.at(opNumber - 1) : undefined;
      if (held !== undefined && held.client === client && held.request === request) continue;
      const op = this.client(clientIndex(client)).issued.get(request - 1) ?? '?';
      return violation(
        'acknowledged-kept',
        world,
        event,
        `replica ${primary.id} started view ${primary.view} ${held === undefined ? 'without' : 'with another op in place of'} op ${opNumber}, '${op}' (${client} #${request}), whose reply the client had accepted`,
        [primary.id],
        [opNumber],
      );
    }
    return null;
  }

  private client(index: number): ClientRecord {
    let record = this.clients[index];
    if (record === undefined) {
      record = new ClientRecord();
      this.clients[index] = record;
    }
    return record;
  }

  clone(): RequestChecker {
    return new RequestChecker(
      this.clients.map((record) => record?.clone()),
      this.acknowledged.clone(),
    );
  }
}
