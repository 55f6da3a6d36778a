import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { parseScenario } from '../scenario/schema.ts';
import { noteCaption, messageSummary } from './caption.ts';
import { Run } from './run.ts';
it('debug', () => {
  const s = parseScenario(JSON.parse(readFileSync(process.env.SCEN!, 'utf8')));
  const run = new Run(s);
  run.extendTo(Number(process.env.UNTIL ?? s.until));
  console.log(JSON.stringify(run.head.violations[0] ?? null));
  const who = process.env.WHO?.split(',').map(Number) ?? [];
  for (const e of run.journal.events()) {
    if (e.time < Number(process.env.FROM ?? 0)) continue;
    if (!who.includes(e.node as number)) continue;
    const via =
      e.kind === 'deliver'
        ? messageSummary(run.journal.message(e.msgId).message) + ' from ' + run.journal.message(e.msgId).from
        : e.kind;
    const notes = (e.notes ?? []).map(noteCaption).join(' | ');
    if (notes) console.log(e.time, e.node, via, '::', notes);
  }
});
