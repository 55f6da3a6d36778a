/**
 * `lincheck <file> [--format etcd|kv|trace] [--timeout S] [--json]`: checks a recorded history for
 * linearizability. Exit code 0 = linearizable, 1 = not, 2 = bad usage or unreadable input,
 * 3 = unknown: the search ran out of time (as Porcupine's CheckOperationsTimeout says Unknown).
 */
import { performance } from 'node:perf_hooks';
import { HelpRequested, numberOption, parseCommandLine, UsageError } from './args.ts';
import {
  casRegisterModel,
  checkOperations,
  InvalidOperationError,
  kvModel,
} from '../sim/checkers/linearizability/index.ts';
import { HistoryParseError, parseJepsenEtcd, parseKvEdn, parseKvTrace } from './history-parse.ts';
import type { CheckResult, Model, Operation } from '../sim/checkers/linearizability/index.ts';

export interface LincheckIo {
  readFile(path: string, bytesMax: number): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The search is exponential on some histories: it stops here, as Porcupine's timeout does. */
export const lincheckTimeoutSecondsDefault = 60;
/** History files larger than this are refused before reading. */
export const historyBytesMax = 64 * 1024 * 1024;

export const LINCHECK_USAGE = 'usage: lincheck <file> [--format etcd|kv|trace] [--timeout SECONDS] [--json]';

const usage = `${LINCHECK_USAGE}
  --format F       etcd (Jepsen etcd logs), kv (Jepsen kv EDN) or trace (a trace JSON); default: guessed
  --timeout S      give up after S seconds with the verdict "unknown" (default ${lincheckTimeoutSecondsDefault})
  --json           print {linearizable, operations, ms}
exit status: 0 linearizable, 1 not linearizable, 2 bad input or usage, 3 unknown (out of time)
`;

const FORMATS = ['etcd', 'kv', 'trace'] as const;
type Format = (typeof FORMATS)[number];

interface LincheckArgs {
  readonly file: string;
  readonly format: Format | null;
  readonly json: boolean;
  readonly timeoutMs: number;
}

/** How many unorderable operations the text verdict lists before eliding the rest. */
const MAX_LISTED = 20;

export function runLincheck(args: string[], io: LincheckIo): number {
  let parsed: LincheckArgs;
  try {
    parsed = parseLincheckArgs(args);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.stdout(usage);
      return 0;
    }
    if (error instanceof UsageError) return fail(io, `${error.message} (${LINCHECK_USAGE})`);
    throw error;
  }
  let text: string;
  try {
    text = io.readFile(parsed.file, historyBytesMax);
  } catch (error) {
    return fail(io, `cannot read ${parsed.file}: ${messageOf(error)}`);
  }
  const format = parsed.format ?? detectFormat(parsed.file, text);
  if (format === null)
    return fail(io, `cannot tell the format of ${parsed.file}; pass --format etcd|kv|trace`);
  try {
    switch (format) {
      case 'etcd':
        return checkAndReport(casRegisterModel, parseJepsenEtcd(text), text, format, parsed, io);
      case 'kv':
        return checkAndReport(kvModel, parseKvEdn(text), text, format, parsed, io);
      case 'trace':
        return checkAndReport(kvModel, parseKvTrace(text), text, format, parsed, io);
    }
  } catch (error) {
    if (error instanceof HistoryParseError || error instanceof InvalidOperationError) {
      return fail(io, `${parsed.file}: ${error.message}`);
    }
    throw error;
  }
}

function parseLincheckArgs(args: readonly string[]): LincheckArgs {
  const { values, positionals } = parseCommandLine(
    args,
    { json: { type: 'boolean' }, format: { type: 'string' }, timeout: { type: 'string' } },
    true,
  );
  if (positionals.length === 0) throw new UsageError('missing history file');
  if (positionals.length > 1)
    throw new UsageError(`one history file only (got ${positionals[0]} and ${positionals[1]})`);
  const format = values.format ?? null;
  if (format !== null && !isFormat(format))
    throw new UsageError(`--format must be etcd, kv or trace, not ${JSON.stringify(format)}`);
  const seconds = numberOption('timeout', values.timeout, 0.001, 86_400, lincheckTimeoutSecondsDefault);
  return { file: positionals[0], format, json: values.json ?? false, timeoutMs: seconds * 1000 };
}

function isFormat(value: string | undefined): value is Format {
  return (FORMATS as readonly (string | undefined)[]).includes(value);
}

/** By content first (the conformance files use .txt for EDN), then by file name. */
export function detectFormat(file: string, text: string): Format | null {
  const start = text.trimStart();
  if (/^\{\s*"/.test(start)) return 'trace';
  if (/jepsen\.util\s+-/.test(text)) return 'etcd';
  if (start.startsWith('{') && text.includes(':process')) return 'kv';
  if (file.endsWith('.json')) return 'trace';
  if (file.endsWith('.log')) return 'etcd';
  if (file.endsWith('.edn')) return 'kv';
  return null;
}

function checkAndReport<State, Input, Output>(
  model: Model<State, Input, Output>,
  ops: Operation<Input, Output>[],
  text: string,
  format: Format,
  args: LincheckArgs,
  io: LincheckIo,
): number {
  // The etcd parser skips lines it does not know, so a file in another format reads as empty.
  if (ops.length === 0 && text.trim() !== '')
    return fail(io, `${args.file}: no operations found in the ${format} format`);
  const start = performance.now();
  const result = checkOperations(model, ops, { timeoutMs: args.timeoutMs, now: () => performance.now() });
  const ms = Math.round((performance.now() - start) * 100) / 100;
  if (args.json) {
    io.stdout(`${JSON.stringify({ linearizable: result.linearizable, operations: ops.length, ms })}\n`);
  } else {
    io.stdout(describeResult(model, ops, result, ms, args.timeoutMs).join('\n') + '\n');
  }
  return result.linearizable === true ? 0 : result.linearizable === false ? 1 : 3;
}

function describeResult<State, Input, Output>(
  model: Model<State, Input, Output>,
  ops: readonly Operation<Input, Output>[],
  result: CheckResult,
  ms: number,
  timeoutMs: number,
): string[] {
  const verdict =
    result.linearizable === true
      ? 'linearizable'
      : result.linearizable === false
        ? 'NOT linearizable'
        : `unknown (gave up after the ${timeoutMs / 1000} s of --timeout)`;
  const partitions = `${result.partitions} partition${result.partitions === 1 ? '' : 's'}`;
  const lines = [`${verdict}: ${ops.length} operations in ${partitions}, checked in ${ms} ms`];
  const illegal = result.illegal;
  if (!illegal) return lines;
  lines.push(
    `partition ${illegal.partition}: the longest linearizable prefix has ${illegal.longestPrefix.length} operations;`,
    'none of these can come next:',
  );
  for (const index of illegal.operations.slice(0, MAX_LISTED)) {
    const op = ops[index];
    const returned = op.return === Infinity ? 'no reply' : `returned ${op.return}`;
    const mark = index === illegal.blocked ? '  <- had to come next' : '';
    lines.push(
      `  #${index} client ${op.client}: ${model.describe(op.input, op.output)} (called ${op.call}, ${returned})${mark}`,
    );
  }
  if (illegal.operations.length > MAX_LISTED)
    lines.push(`  … and ${illegal.operations.length - MAX_LISTED} more`);
  return lines;
}

function fail(io: LincheckIo, message: string): number {
  io.stderr(`lincheck: ${message}\n`);
  return 2;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
