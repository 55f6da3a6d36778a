/** The client commands shared by the client REPL and the cluster prompt: parse, run, print. */
import { printable, type Address } from './common.ts';
import { ClientClosedError, type Completion, type TcpClient } from './tcp-client.ts';
import type { StatusFrame } from './wire-schema.ts';

/** How long a command waits for its answer by default; then its outcome is unknown. */
export const commandTimeoutMsDefault = 10_000;

export const clientHelp = `commands:
  put K V        set key K to V                      (kv state machine)
  get K          read key K                          (kv)
  append K V     append V to key K's value           (kv)
  append V       append V to the log                 (log state machine)
  read I | len   read entry I (from 1) | the length   (log)
  status         every replica's status, view, op-number and commit-number
  help           this text
  quit           leave (also Ctrl-D)
Every op goes through the primary and the replicated log, reads included.
`;

/** A result for display: quoted when it would otherwise be invisible, ambiguous or unprintable. */
export function showResult(result: string): string {
  return result === '' || result.trim() !== result || printable(result) !== result
    ? printable(JSON.stringify(result))
    : result;
}

export function describeCompletion(completion: Completion): string {
  const retried = completion.attempts > 1 ? `, ${completion.attempts} attempts` : '';
  return `(replica ${completion.replica}, view ${completion.view}, ${completion.latencyMs.toFixed(1)} ms${retried})`;
}

export function formatStatus(statuses: readonly (StatusFrame | null)[], peers: readonly Address[]): string {
  const rows = statuses.map((status, replica) => {
    const where = `${peers[replica].host}:${peers[replica].port}`;
    if (status === null) return `  replica ${replica}  ${where.padEnd(21)} unreachable`;
    const role = status.status === 'normal' && status.primary === replica ? 'primary' : '';
    return (
      `  replica ${replica}  ${where.padEnd(21)} ${status.status.padEnd(11)} view ${String(status.view).padEnd(4)} ` +
      `op ${String(status.opNumber).padEnd(6)} commit ${String(status.commitNumber).padEnd(6)} ${role}`.trimEnd()
    );
  });
  const problems = distinctProblems(statuses);
  return `${rows.join('\n')}\n${problems.map((problem) => `  ${printable(problem)}\n`).join('')}`;
}

/** The problems replicas report, each once (replicas that see the same thing say it alike). */
function distinctProblems(statuses: readonly (StatusFrame | null)[]): string[] {
  const problems = statuses.flatMap((status) =>
    status?.problem
      ? [status.problem.replace(/, as far as replica \d+ can tell/, '').replaceAll(' (this one)', '')]
      : [],
  );
  return [...new Set(problems)];
}

/** What the replicas say is wrong (fewer than f+1 hold state), as lines to print; empty if nothing. */
async function groupProblems(client: TcpClient): Promise<string> {
  const statuses = await client.status(500);
  const problems = distinctProblems(statuses);
  return problems.map((problem) => `  ${printable(problem)}\n`).join('');
}

/** Splits `a; b; c` and newline-separated text into commands. */
export function splitCommands(text: string): string[] {
  return text
    .split(/[;\n]/)
    .map((command) => command.trim().replace(/\s+/g, ' '))
    .filter((command) => command !== '');
}

export type Outcome = 'ok' | 'failed' | 'quit';

/**
 * Runs one command against the cluster and prints its outcome. A request without an answer after
 * `timeoutMs`, or cancelled through `cancel`, is given up (its outcome is unknown) and the client
 * moves on; a client closed meanwhile (Ctrl-C, SIGTERM) makes it 'quit' quietly.
 */
export async function runClientCommand(
  client: TcpClient,
  peers: readonly Address[],
  command: string,
  print: (text: string) => void,
  echo: boolean,
  timeoutMs: number | null,
  cancel?: AbortSignal,
): Promise<Outcome> {
  const prefix = echo ? `${printable(command)}: ` : '';
  const [verb] = command.split(' ');
  if (verb === 'quit' || verb === 'exit') return 'quit';
  if (verb === 'help') {
    print(clientHelp);
    return 'ok';
  }
  if (verb === 'status') {
    print(formatStatus(await client.status(), peers));
    return 'ok';
  }
  const problem = client.checkOp(command);
  if (problem !== null) {
    print(`${prefix}not sent: ${printable(problem)}\n`);
    return 'failed';
  }
  let timer: NodeJS.Timeout | null = null;
  let onAbort: (() => void) | null = null;
  const givenUp = new Promise<'timeout' | 'cancelled'>((resolve) => {
    if (timeoutMs !== null) timer = setTimeout(() => resolve('timeout'), timeoutMs);
    if (cancel !== undefined) {
      onAbort = () => resolve('cancelled');
      if (cancel.aborted) onAbort();
      else cancel.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    const reply = client.submit(command);
    const outcome = await Promise.race([reply, givenUp]);
    if (outcome === 'timeout' || outcome === 'cancelled') {
      // The request may still execute: give up on it so that the next command is not stuck behind it.
      reply.catch(() => {});
      client.cancel(outcome === 'timeout' ? `got no answer within ${timeoutMs} ms` : 'was cancelled');
      print(
        outcome === 'timeout'
          ? `${prefix}no answer within ${timeoutMs} ms (outcome unknown)\n${await groupProblems(client)}`
          : `${prefix}cancelled (outcome unknown)\n`,
      );
      return 'failed';
    }
    print(`${prefix}${showResult(outcome.result)}  ${describeCompletion(outcome)}\n`);
    return outcome.result.startsWith('error:') ? 'failed' : 'ok';
  } catch (error) {
    if (error instanceof ClientClosedError) return 'quit';
    throw error;
  } finally {
    if (timer !== null) clearTimeout(timer);
    if (onAbort !== null) cancel?.removeEventListener('abort', onAbort);
  }
}
