/** The client commands shared by the client REPL and the cluster prompt: parse, run, print. */
import type { Address } from './common.ts';
import type { TcpClient, Completion } from './tcp-client.ts';
import type { StatusFrame } from './wire-schema.ts';

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

/** A result for display: quoted when it would otherwise be invisible or ambiguous. */
export function showResult(result: string): string {
  return result === '' || result.trim() !== result ? JSON.stringify(result) : result;
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
  return `${rows.join('\n')}\n`;
}

/** Splits `a; b; c` and newline-separated text into commands. */
export function splitCommands(text: string): string[] {
  return text
    .split(/[;\n]/)
    .map((command) => command.trim().replace(/\s+/g, ' '))
    .filter((command) => command !== '');
}

export type Outcome = 'ok' | 'failed' | 'quit';

/** Runs one command against the cluster and prints its outcome. */
export async function runClientCommand(
  client: TcpClient,
  peers: readonly Address[],
  command: string,
  print: (text: string) => void,
  echo: boolean,
  timeoutMs: number | null,
): Promise<Outcome> {
  const prefix = echo ? `${command}: ` : '';
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
    print(`${prefix}not sent: ${problem}\n`);
    return 'failed';
  }
  const reply = client.submit(command);
  let timer: NodeJS.Timeout | null = null;
  const timeout =
    timeoutMs === null
      ? null
      : new Promise<null>((resolve) => {
          timer = setTimeout(() => resolve(null), timeoutMs);
        });
  try {
    const completion = await (timeout === null ? reply : Promise.race([reply, timeout]));
    if (completion === null) {
      print(`${prefix}no answer within ${timeoutMs} ms (outcome unknown)\n`);
      return 'failed';
    }
    print(`${prefix}${showResult(completion.result)}  ${describeCompletion(completion)}\n`);
    return completion.result.startsWith('error:') ? 'failed' : 'ok';
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}
