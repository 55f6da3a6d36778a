/**
 * `lincheck <file> [--format etcd|kv|trace] [--json]`: checks a recorded history for
 * linearizability. Exit code 0 = linearizable, 1 = not, 2 = bad usage or unreadable input.
 */
import { performance } from 'node:perf_hooks';
import {
  casRegisterModel,
  checkOperations,
  HistoryParseError,
  InvalidOperationError,
  kvModel,
  parseJepsenEtcd,
  parseKvEdn,
  parseKvTrace,
} from '../sim/checkers/linearizability/index.ts';
import type { CheckResult, Model, Operation } from '../sim/checkers/linearizability/index.ts';

export interface LincheckIo {
  readFile(path: string): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const LINCHECK_USAGE = 'usage: lincheck <file> [--format etcd|kv|trace] [--json]';

const FORMATS = ['etcd', 'kv', 'trace'] as const;
type Format = (typeof FORMATS)[number];

interface LincheckArgs {
  readonly file: string;
  readonly format: Format | null;
  readonly json: boolean;
}

/** How many unorderable operations the text verdict lists before eliding the rest. */
const MAX_LISTED = 20;

export function runLincheck(args: string[], io: LincheckIo): number {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${LINCHECK_USAGE}\n`);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') return fail(io, `${parsed} (${LINCHECK_USAGE})`);
  let text: string;
  try {
    text = io.readFile(parsed.file);
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

function parseArgs(args: readonly string[]): LincheckArgs | string {
  let file: string | null = null;
  let format: Format | null = null;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') {
      json = true;
    } else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? args[++i] : arg.slice('--format='.length);
      if (!isFormat(value)) return `--format must be etcd, kv or trace, not ${JSON.stringify(value ?? '')}`;
      format = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      return `unknown option ${arg}`;
    } else if (file !== null) {
      return `one history file only (got ${file} and ${arg})`;
    } else {
      file = arg;
    }
  }
  if (file === null) return 'missing history file';
  return { file, format, json };
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
  const result = checkOperations(model, ops);
  const ms = Math.round((performance.now() - start) * 100) / 100;
  if (args.json) {
    io.stdout(`${JSON.stringify({ linearizable: result.linearizable, operations: ops.length, ms })}\n`);
  } else {
    io.stdout(describeResult(model, ops, result, ms).join('\n') + '\n');
  }
  return result.linearizable === true ? 0 : 1;
}

function describeResult<State, Input, Output>(
  model: Model<State, Input, Output>,
  ops: readonly Operation<Input, Output>[],
  result: CheckResult,
  ms: number,
): string[] {
  const verdict =
    result.linearizable === true
      ? 'linearizable'
      : result.linearizable === false
        ? 'NOT linearizable'
        : 'unknown';
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
