/**
 * Parsers for recorded histories: Jepsen etcd logs (a compare-and-set register), Jepsen key-value
 * EDN logs, and JSON traces. Text is treated as data only (nothing is evaluated). Times are line
 * numbers for the log formats. Completions follow Jepsen's meaning:
 * - :ok is a definite answer;
 * - :info, a :fail that :timed-out, or no completion by the end of the log: unknown outcome, the
 *   return is at +Infinity (the call may take effect any time after it was made, or never);
 * - any other :fail definitely did not happen, and the operation is left out, except for a
 *   compare-and-set, whose :fail is the answer "the register did not hold FROM".
 */
import { isPlainObject } from '../scenario/format.ts';
import type {
  KvInput,
  KvOp,
  KvOutput,
  Operation,
  RegisterInput,
  RegisterOutput,
} from '../sim/checkers/linearizability/index.ts';

/** Larger inputs are refused before any work is done. */
export const MAX_HISTORY_CHARS = 64 * 1024 * 1024;
export const MAX_OPERATIONS = 1_000_000;

export class HistoryParseError extends Error {
  /** 1-based line of the problem, or null when it concerns the whole input. */
  readonly line: number | null;

  constructor(line: number | null, problem: string) {
    super(line === null ? problem : `line ${line}: ${problem}`);
    this.name = 'HistoryParseError';
    this.line = line;
  }
}

export type RegisterOperation = Operation<RegisterInput, RegisterOutput>;
export type KvOperation = Operation<KvInput, KvOutput>;

// ---------------------------------------------------------------------------------------------
// Shared bookkeeping: one pending call per process, answered by its next completion.

interface Draft<Input, Output> {
  client: number;
  input: Input;
  output: Output;
  call: number;
  return: number;
  dropped: boolean;
  callLine: number;
}

class HistoryBuilder<Input, Output> {
  private readonly drafts: Draft<Input, Output>[] = [];
  private readonly pending = new Map<number, Draft<Input, Output>>();

  constructor(private readonly unknownOutput: Output) {}

  invoke(line: number, client: number, input: Input): void {
    const open = this.pending.get(client);
    if (open)
      throw new HistoryParseError(
        line,
        `process ${client} calls again while its call on line ${open.callLine} is pending`,
      );
    if (this.drafts.length >= MAX_OPERATIONS)
      throw new HistoryParseError(line, `more than ${MAX_OPERATIONS} operations`);
    const draft = {
      client,
      input,
      output: this.unknownOutput,
      call: line,
      return: Infinity,
      dropped: false,
      callLine: line,
    };
    this.drafts.push(draft);
    this.pending.set(client, draft);
  }

  /** The pending call of `client`, now completed (its fields are the caller's to fill in). */
  complete(line: number, client: number): Draft<Input, Output> {
    const draft = this.pending.get(client);
    if (!draft) throw new HistoryParseError(line, `process ${client} completes a call it never made`);
    this.pending.delete(client);
    return draft;
  }

  /** Operations in call order; calls still pending keep return = Infinity (unknown outcome). */
  finish(): Operation<Input, Output>[] {
    return this.drafts
      .filter((draft) => !draft.dropped)
      .map(({ client, input, output, call, return: ret }) => ({ client, input, output, call, return: ret }));
  }
}

function checkSize(text: string): void {
  if (text.length > MAX_HISTORY_CHARS) {
    throw new HistoryParseError(
      null,
      `history has ${text.length} characters, more than the limit of ${MAX_HISTORY_CHARS}`,
    );
  }
}

function parseInteger(text: string, line: number, what: string): number {
  if (!/^-?\d{1,15}$/.test(text))
    throw new HistoryParseError(line, `${what} ${JSON.stringify(text)} is not an integer`);
  return Number(text);
}

// ---------------------------------------------------------------------------------------------
// Jepsen etcd: `INFO  jepsen.util - P :type :f VALUE`. Other lines (and non-numeric processes such
// as the nemesis) are ignored.

// Applied to trimmed lines; no nested or lazy quantifiers, so no pathological backtracking.
const JEPSEN_EVENT = /^INFO\s+jepsen\.util\s+-\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$/;
const CAS_PAIR = /^\[\s*(-?\d+)\s+(-?\d+)\s*\]$/;

export function parseJepsenEtcd(text: string): RegisterOperation[] {
  checkSize(text);
  const history = new HistoryBuilder<RegisterInput, RegisterOutput>('unknown');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = JEPSEN_EVENT.exec(lines[i].trim());
    if (!match || !/^\d+$/.test(match[1])) continue;
    const [, processText, type, f, value = ''] = match;
    const line = i + 1;
    const client = parseInteger(processText, line, 'process');
    if (f !== ':read' && f !== ':write' && f !== ':cas') {
      throw new HistoryParseError(line, `unsupported operation ${f} (expected :read, :write or :cas)`);
    }
    switch (type) {
      case ':invoke':
        history.invoke(line, client, registerInput(f, value, line));
        break;
      case ':ok':
      case ':fail':
      case ':info':
        completeRegister(history.complete(line, client), type, f, value, line);
        break;
      default:
        throw new HistoryParseError(
          line,
          `unknown event type ${type} (expected :invoke, :ok, :fail or :info)`,
        );
    }
  }
  return history.finish();
}

function registerInput(f: ':read' | ':write' | ':cas', value: string, line: number): RegisterInput {
  switch (f) {
    case ':read':
      if (value !== 'nil')
        throw new HistoryParseError(line, `a read is invoked with nil, not ${JSON.stringify(value)}`);
      return { op: 'read' };
    case ':write':
      return { op: 'write', value: parseInteger(value, line, 'written value') };
    case ':cas': {
      const [from, to] = casPair(value, line);
      return { op: 'cas', from, to };
    }
  }
}

function casPair(value: string, line: number): [number, number] {
  const pair = CAS_PAIR.exec(value);
  if (!pair) throw new HistoryParseError(line, `a cas takes [FROM TO], not ${JSON.stringify(value)}`);
  return [parseInteger(pair[1], line, 'cas value'), parseInteger(pair[2], line, 'cas value')];
}

function completeRegister(
  draft: Draft<RegisterInput, RegisterOutput>,
  type: ':ok' | ':fail' | ':info',
  f: string,
  value: string,
  line: number,
): void {
  if (`:${draft.input.op}` !== f) {
    throw new HistoryParseError(
      line,
      `completion ${f} does not match the call :${draft.input.op} on line ${draft.callLine}`,
    );
  }
  // :info, or a :fail that timed out: the call may or may not have taken effect.
  if (type === ':info' || (type === ':fail' && value === ':timed-out')) return;
  draft.return = line;
  if (type === ':fail') {
    // A failed cas is a definite answer; any other failure means the call had no effect.
    if (draft.input.op === 'cas') {
      casPair(value, line);
      draft.output = 'fail';
    } else {
      draft.dropped = true;
    }
    return;
  }
  switch (draft.input.op) {
    case 'read':
      draft.output = value === 'nil' ? null : parseInteger(value, line, 'value read');
      return;
    case 'write':
      parseInteger(value, line, 'written value');
      draft.output = 'ok';
      return;
    case 'cas':
      casPair(value, line);
      draft.output = 'ok';
  }
}

// ---------------------------------------------------------------------------------------------
// Jepsen key-value EDN: one map per line,
// `{:process P, :type :invoke|:ok|:fail|:info, :f :get|:put|:append, :key "K", :value "V"|nil}`.

type EdnValue =
  | { readonly kind: 'keyword'; readonly name: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'integer'; readonly value: number }
  | { readonly kind: 'nil' };

export function parseKvEdn(text: string): KvOperation[] {
  checkSize(text);
  const history = new HistoryBuilder<KvInput, KvOutput>(null);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const source = lines[i].trim();
    if (source === '' || source.startsWith(';')) continue;
    const line = i + 1;
    const fields = new EdnMapReader(source, line).read();
    if (fields.get('process')?.kind === 'keyword') continue; // the nemesis, not a client
    const client = integerField(fields, 'process', line);
    const type = keywordField(fields, 'type', line);
    const f = keywordField(fields, 'f', line);
    if (f !== 'get' && f !== 'put' && f !== 'append') {
      throw new HistoryParseError(line, `unsupported :f :${f} (expected :get, :put or :append)`);
    }
    const key = stringField(fields, 'key', line);
    const value = optionalStringField(fields, 'value', line);
    switch (type) {
      case 'invoke':
        history.invoke(line, client, kvInput(f, key, value, line));
        break;
      case 'ok':
      case 'fail':
      case 'info':
        completeKv(history.complete(line, client), type, f, key, value, line);
        break;
      default:
        throw new HistoryParseError(line, `unknown :type :${type} (expected :invoke, :ok, :fail or :info)`);
    }
  }
  return history.finish();
}

function kvInput(op: KvOp, key: string, value: string | null, line: number): KvInput {
  if (op === 'get') return { op, key, value: null };
  if (value === null) throw new HistoryParseError(line, `:${op} needs a string :value`);
  return { op, key, value };
}

function completeKv(
  draft: Draft<KvInput, KvOutput>,
  type: 'ok' | 'fail' | 'info',
  f: KvOp,
  key: string,
  value: string | null,
  line: number,
): void {
  if (draft.input.op !== f || draft.input.key !== key) {
    throw new HistoryParseError(line, `completion does not match the call on line ${draft.callLine}`);
  }
  if (type === 'info') return; // unknown outcome: return stays at +Infinity
  if (type === 'fail') {
    draft.dropped = true; // definitely did not happen
    return;
  }
  draft.return = line;
  // A get of a key never written may answer nil; the model's initial value is "".
  draft.output = f === 'get' ? (value ?? '') : (value ?? draft.input.value ?? '');
}

function field(fields: Map<string, EdnValue>, name: string, line: number): EdnValue {
  const value = fields.get(name);
  if (value === undefined) throw new HistoryParseError(line, `missing :${name}`);
  return value;
}

function integerField(fields: Map<string, EdnValue>, name: string, line: number): number {
  const value = field(fields, name, line);
  if (value.kind !== 'integer') throw new HistoryParseError(line, `:${name} must be an integer`);
  return value.value;
}

function keywordField(fields: Map<string, EdnValue>, name: string, line: number): string {
  const value = field(fields, name, line);
  if (value.kind !== 'keyword') throw new HistoryParseError(line, `:${name} must be a keyword`);
  return value.name;
}

function stringField(fields: Map<string, EdnValue>, name: string, line: number): string {
  const value = field(fields, name, line);
  if (value.kind !== 'string') throw new HistoryParseError(line, `:${name} must be a string`);
  return value.text;
}

function optionalStringField(fields: Map<string, EdnValue>, name: string, line: number): string | null {
  const value = fields.get(name);
  if (value === undefined || value.kind === 'nil') return null;
  if (value.kind !== 'string') throw new HistoryParseError(line, `:${name} must be a string or nil`);
  return value.text;
}

const STRING_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' };
const KEYWORD_CHAR = /[A-Za-z0-9*+!_?<>=/.-]/;

/** Reads one flat EDN map of keyword keys to keywords, strings, integers or nil. */
class EdnMapReader {
  private at = 0;

  constructor(
    private readonly source: string,
    private readonly line: number,
  ) {}

  read(): Map<string, EdnValue> {
    const fields = new Map<string, EdnValue>();
    this.skipSpace();
    this.expect('{');
    for (;;) {
      this.skipSpace();
      if (this.peek() === '}') break;
      const key = this.readValue();
      if (key.kind !== 'keyword') this.fail('map keys must be keywords');
      this.skipSpace();
      if (fields.has(key.name)) this.fail(`duplicate key :${key.name}`);
      fields.set(key.name, this.readValue());
    }
    this.at++;
    this.skipSpace();
    if (this.at < this.source.length) this.fail('unexpected text after the map');
    return fields;
  }

  private readValue(): EdnValue {
    const c = this.peek();
    if (c === ':') return { kind: 'keyword', name: this.readWord(1) };
    if (c === '"') return { kind: 'string', text: this.readString() };
    if (c === '-' || (c >= '0' && c <= '9')) {
      return { kind: 'integer', value: parseInteger(this.readWord(0), this.line, 'number') };
    }
    const word = this.readWord(0);
    if (word === 'nil') return { kind: 'nil' };
    this.fail(
      word === ''
        ? `unexpected ${c === '' ? 'end of line' : JSON.stringify(c)}`
        : `unsupported value ${word}`,
    );
  }

  private readWord(skip: number): string {
    const start = this.at + skip;
    let end = start;
    while (end < this.source.length && KEYWORD_CHAR.test(this.source[end])) end++;
    this.at = end;
    return this.source.slice(start, end);
  }

  private readString(): string {
    let text = '';
    for (this.at++; this.at < this.source.length; this.at++) {
      const c = this.source[this.at];
      if (c === '"') {
        this.at++;
        return text;
      }
      if (c === '\\') {
        const escaped = STRING_ESCAPES[this.source[++this.at]];
        if (escaped === undefined) this.fail('unsupported escape in string');
        text += escaped;
      } else {
        text += c;
      }
    }
    this.fail('unterminated string');
  }

  private skipSpace(): void {
    while (this.at < this.source.length && /[\s,]/.test(this.source[this.at])) this.at++;
  }

  private peek(): string {
    return this.source[this.at] ?? '';
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected ${JSON.stringify(c)}`);
    this.at++;
  }

  private fail(problem: string): never {
    throw new HistoryParseError(this.line, `${problem} (column ${this.at + 1})`);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON trace: `{ "history": [ { client, input: {op, key, value}, output, call, return | null } ] }`,
// a null return meaning unknown outcome. Problems are located by entry rather than by line.

export function parseKvTrace(text: string): KvOperation[] {
  checkSize(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HistoryParseError(null, `not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isPlainObject(parsed) || !Array.isArray(parsed.history)) {
    throw new HistoryParseError(null, 'expected an object with a "history" array');
  }
  if (parsed.history.length > MAX_OPERATIONS) {
    throw new HistoryParseError(null, `more than ${MAX_OPERATIONS} operations`);
  }
  return parsed.history.map((entry: unknown, index: number) => traceOperation(entry, `history[${index}]`));
}

function traceOperation(entry: unknown, where: string): KvOperation {
  const fail = (problem: string): never => {
    throw new HistoryParseError(null, `${where}${problem}`);
  };
  if (!isPlainObject(entry)) return fail(' must be an object');
  const { client, input, output, call } = entry;
  const ret = entry.return;
  if (typeof client !== 'string' && typeof client !== 'number')
    return fail('.client must be a string or number');
  if (!isPlainObject(input)) return fail('.input must be an object');
  const { op, key, value } = input;
  if (op !== 'get' && op !== 'put' && op !== 'append')
    return fail('.input.op must be "get", "put" or "append"');
  if (typeof key !== 'string') return fail('.input.key must be a string');
  const written = op === 'get' ? null : value;
  if (op !== 'get' && typeof written !== 'string') return fail(`.input.value must be a string for ${op}`);
  if (output !== null && typeof output !== 'string') return fail('.output must be a string or null');
  if (typeof call !== 'number' || !Number.isFinite(call)) return fail('.call must be a finite number');
  if (ret !== null && ret !== undefined && (typeof ret !== 'number' || !Number.isFinite(ret))) {
    return fail('.return must be a finite number or null');
  }
  const returnTime = typeof ret === 'number' ? ret : Infinity;
  if (returnTime < call) return fail('.return is before .call');
  return {
    client,
    input: { op, key, value: typeof written === 'string' ? written : null },
    // Without a reply there is no output to trust.
    output: returnTime === Infinity ? null : output,
    call,
    return: returnTime,
  };
}
