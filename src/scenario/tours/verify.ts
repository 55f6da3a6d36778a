/**
 * Proves a tour says true things: every step pauses inside its run, in time order, with each
 * expectation holding and each highlight pointing at something on screen; the narration is short;
 * the "try it" suggestion does what it says. Each function returns problems as sentences (none: fine).
 */
import { Run } from '../../sim/run.ts';
import { slotCount, type Scenario } from '../../sim/scenario-types.ts';
import type { World } from '../../sim/world.ts';
import { checkExpectation, checkHighlight } from './check.ts';
import { stepScenario, type Tour, type TourStep } from './types.ts';

/** Sentences in a text: runs ending in . ! or ? (a closing quote or bracket may follow). */
export function sentenceCount(text: string): number {
  return text.match(/[^.!?]+[.!?]+['")\]]*(?=\s|$)/g)?.length ?? 0;
}

const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const sectionPattern = /^§\d+(?:\.\d+)*$/;

/** A run of `scenario` computed to its end (or to the first violation, where the browser stops too). */
export function fullRun(scenario: Scenario): Run {
  const run = new Run(scenario);
  run.extendTo(scenario.until);
  return run;
}

/** The last moment a run shows: its end, or the event of the violation that stopped it. */
export function runEnd(run: Run): number {
  if (!run.head.halted) return run.scenario.until;
  const journal = run.journal;
  return journal.eventCount === 0 ? 0 : journal.eventTime(journal.eventCount - 1);
}

/** Replicas named in prose ("replica 3", "replicas 1 and 2") that the cluster does not have. */
function unknownReplicas(text: string, replicas: number): number[] {
  const named: number[] = [];
  for (const match of text.matchAll(/\breplicas? (\d+)(?:(?:, | and | or |-)(\d+))*/gi))
    for (const number of match[0].matchAll(/\d+/g)) named.push(Number(number[0]));
  return named.filter((replica) => replica >= replicas);
}

/** The words of a tour: ids, titles, sections, sentence counts, replicas mentioned. */
export function proseProblems(tour: Tour): string[] {
  const problems: string[] = [];
  const n = slotCount(tour.scenario);
  if (!slugPattern.test(tour.id)) problems.push(`id '${tour.id}' is not a URL-safe slug`);
  if (tour.title.trim() === '') problems.push('the title is empty');
  const summarySentences = sentenceCount(tour.summary);
  if (summarySentences < 1 || summarySentences > 2)
    problems.push(`the summary has ${summarySentences} sentences (1 or 2)`);
  if (tour.steps.length === 0) problems.push('the tour has no steps');
  const trySentences = sentenceCount(tour.tryIt);
  if (trySentences < 1 || trySentences > 3) problems.push(`tryIt has ${trySentences} sentences (1 to 3)`);
  for (const text of [tour.summary, tour.tryIt]) {
    const unknown = unknownReplicas(text, n);
    if (unknown.length > 0) problems.push(`'${text.slice(0, 40)}…' names replica ${unknown[0]} of ${n}`);
  }
  tour.steps.forEach((step, index) => {
    const where = `step ${index + 1} (${step.title})`;
    const sentences = sentenceCount(step.text);
    if (sentences < 1 || sentences > 3) problems.push(`${where}: ${sentences} sentences (1 to 3)`);
    if (!/[.!?]['")\]]*$/.test(step.text.trim())) problems.push(`${where}: the text does not end a sentence`);
    if (step.title.trim() === '') problems.push(`${where}: empty title`);
    if (!sectionPattern.test(step.section))
      problems.push(`${where}: section '${step.section}' is not like §4.2`);
    if (step.expect.length === 0) problems.push(`${where}: states no fact to check`);
    const unknown = unknownReplicas(step.text, n);
    if (unknown.length > 0) problems.push(`${where}: names replica ${unknown[0]} of a ${n}-replica cluster`);
  });
  return problems;
}

/**
 * Each step against its run: the pause lies inside the run (not past its end or the violation that
 * stopped it), steps on the same run (the same mutation and recovery) go forward in time, and at the
 * pause every expectation holds and every highlight points at something on screen.
 */
export function stepProblems(tour: Tour): string[] {
  const problems: string[] = [];
  const runs = new Map<Scenario, Run>();
  const lastAt = new Map<Scenario, number>();
  tour.steps.forEach((step: TourStep, index) => {
    const variant = `${step.mutation === undefined ? '' : `, ${step.mutation}`}${step.recovery === undefined ? '' : `, ${step.recovery} recovery`}`;
    const where = `step ${index + 1} (${step.title}, ${step.at} ms${variant})`;
    const scenario = stepScenario(tour, step);
    let run = runs.get(scenario);
    if (run === undefined) {
      run = fullRun(scenario);
      runs.set(scenario, run);
    }
    if (!Number.isInteger(step.at) || step.at < 0) problems.push(`${where}: 'at' must be a whole ms`);
    const end = runEnd(run);
    if (step.at > end) problems.push(`${where}: pauses after the run ends at ${end} ms`);
    const before = lastAt.get(scenario) ?? -1;
    if (step.at < before) problems.push(`${where}: goes back in time from ${before} ms`);
    lastAt.set(scenario, step.at);
    const world = run.worldAtTime(step.at);
    problems.push(...worldProblems(where, world, step));
  });
  return problems;
}

function worldProblems(where: string, world: World, step: TourStep): string[] {
  const problems: string[] = [];
  for (const expectation of step.expect) {
    const problem = checkExpectation(world, expectation);
    if (problem !== null) problems.push(`${where}: ${problem}`);
  }
  for (const highlight of step.highlight) {
    const problem = checkHighlight(world, highlight);
    if (problem !== null) problems.push(`${where}: highlight ${highlight.kind}: ${problem}`);
  }
  return problems;
}

/** The suggestion's check: its actions, taken after the last step, lead to what it promises. */
export function tryItProblems(tour: Tour): string[] {
  const check = tour.tryItCheck;
  if (check === undefined) return [];
  const last = tour.steps[tour.steps.length - 1];
  const scenario = stepScenario(tour, last);
  const problems: string[] = [];
  for (const action of check.actions)
    if (action.at < last.at)
      problems.push(`tryIt: action ${action.type} at ${action.at} ms is before the last step`);
  if (check.at < last.at || check.at > scenario.until)
    problems.push(`tryIt: its outcome at ${check.at} ms is outside ${last.at}..${scenario.until} ms`);
  const run = new Run(scenario);
  run.extendTo(last.at);
  run.setActions([...scenario.actions, ...check.actions]);
  run.extendTo(check.at);
  const world = run.worldAtTime(check.at);
  for (const expectation of check.expect) {
    const problem = checkExpectation(world, expectation);
    if (problem !== null) problems.push(`tryIt at ${check.at} ms: ${problem}`);
  }
  return problems;
}
