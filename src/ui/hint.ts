/** The hint above the cluster view: what to try or watch next. Pure, unit-tested. */
import type { ReplicaFrame } from './frame.ts';
import { plural, spokenList } from './format.ts';

/** `Replica 3 is` or `Replicas 0 and 3 are`. */
function replicasAre(ids: readonly number[]): string {
  return ids.length === 1 ? `Replica ${ids[0]} is` : `Replicas ${spokenList(ids)} are`;
}

/** What to try or watch next, from what the replicas are doing at the cursor. */
export function hintText(replicas: readonly ReplicaFrame[], primary: number | null): string {
  const down = replicas.filter((r) => r.status === 'crashed').map((r) => r.id);
  const recovering = replicas.filter((r) => r.status === 'recovering').map((r) => r.id);
  const changing = replicas.some((r) => r.status === 'view-change');
  const f = Math.floor((replicas.length - 1) / 2);
  if (recovering.length > 0)
    return replicas.some((r) => r.status === 'recovering' && r.crashVector !== null)
      ? `${replicasAre(recovering)} recovering: first it learns from f + 1 replicas which incarnation it is now (its crash vector), then it asks for the state with a fresh nonce and rejoins after f + 1 answers, one from the primary (§4.3 with crash vectors).`
      : `${replicasAre(recovering)} recovering: it asks every replica for the state with a fresh nonce and rejoins after f + 1 answers, one from the primary (§4.3).`;
  if (changing)
    return 'A view change is under way: backups that stopped hearing from the primary agree on the next view, whose primary takes the most up-to-date log (§4.2).';
  if (down.length > 0 && primary === null)
    return 'The primary is down: watch the backups time out, agree on a new view and elect the next primary.';
  if (down.length > 0)
    return down.length <= f
      ? `${replicasAre(down)} down; ${plural(replicas.length, 'replica')} tolerate ${plural(f, 'failure')}, so primary ${primary} keeps committing. ${down.length === 1 ? 'Restart it and watch it recover.' : 'Restart them and watch them recover.'}`
      : `${down.length} replicas are down, more than the ${f} that ${replicas.length} replicas tolerate: nothing can commit until enough restart.`;
  return `Try it: crash the primary${primary === null ? '' : ` (press "Crash replica ${primary}" on its card)`} and watch the others elect a new one.`;
}
