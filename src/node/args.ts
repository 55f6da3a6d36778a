/**
 * Command-line parsing for every vsr-scope command (the `sim` commands and the TCP mains): node:util
 * parseArgs in strict mode, `--help`/`-h` on every command, one-line errors as UsageError, and typed
 * readers for option values that name the option and the rule.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--help` or `-h` was given: the command prints its usage on stdout and exits 0. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
}

const helpOption = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses `argv` against `options` (plus --help). Throws HelpRequested for --help, UsageError with
 * parseArgs's first sentence for an unknown option or a missing value.
 */
export function parseCommandLine<const T extends OptionsConfig>(
  argv: readonly string[],
  options: T,
  allowPositionals = false,
) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, ...helpOption },
      strict: true,
      allowPositionals,
    });
  } catch (error) {
    if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested();
    throw new UsageError(usageProblem(error as Error & { code?: string }));
  }
  if ((parsed.values as Record<string, unknown>).help === true) throw new HelpRequested();
  return parsed;
}

/** parseArgs's error as one short line: "--seeds needs a value", "unknown option --x". */
function usageProblem(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(error.message)
        ? `${option} takes no value`
        : `${option} needs a value`;
    default:
      return error.message.split('\n')[0];
  }
}

export function integerOption(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  return rangeOption(name, text, min, max, fallback, 'an integer', Number.isInteger);
}

export function numberOption(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  return rangeOption(name, text, min, max, fallback, 'a number', Number.isFinite);
}

/** An option's number from min to max, or `fallback` when it is not given. */
function rangeOption(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
  fallback: number,
  what: string,
  isKind: (value: number) => boolean,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !isKind(value) || value < min || value > max)
    throw new UsageError(`--${name} must be ${what} from ${min} to ${max}, got '${text}'`);
  return value;
}

export function choiceOption<T extends string>(
  name: string,
  text: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text))
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${text}'`);
  return text as T;
}

/**
 * What a sim command does with a HelpRequested or UsageError: the whole usage on stdout (exit 0),
 * or one line on stderr, the problem and the usage's first line (exit 2).
 */
export function usageExit(
  error: unknown,
  usage: string,
  io: { stdout(text: string): void; stderr(text: string): void },
): number {
  if (error instanceof HelpRequested) {
    io.stdout(usage);
    return 0;
  }
  if (error instanceof UsageError) {
    io.stderr(`${error.message} (${usage.split('\n')[0]}; --help for more)\n`);
    return 2;
  }
  throw error;
}
