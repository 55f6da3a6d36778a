/**
 * Type guards for the messages between the page and its fuzz and shrink workers, both ways. The two
 * sides are built together, but a message is still data crossing a boundary: a malformed one is
 * refused with a reason instead of being trusted by a cast.
 */
import { mutations, type Mutation } from '../../protocol/index.ts';
import { parseScenario, ScenarioError } from '../../scenario/schema.ts';
import type { Scenario } from '../../sim/scenario-types.ts';
import type { Violation } from '../../sim/trace.ts';

export interface FuzzJob {
  readonly start: number;
  readonly stride: number;
  readonly mutation: Mutation;
}

export type FuzzReply =
  | { readonly kind: 'progress'; readonly done: number }
  | {
      readonly kind: 'failure';
      readonly seed: number;
      readonly scenario: Scenario;
      readonly violation: Violation;
    };

export interface ShrinkRequest {
  readonly scenario: Scenario;
  readonly checker: string;
  readonly maxRuns: number;
}

export type ShrinkReply =
  | { readonly kind: 'progress'; readonly runs: number; readonly size: number }
  | {
      readonly kind: 'done';
      readonly scenario: Scenario;
      readonly violation: Violation;
      readonly runs: number;
    }
  | { readonly kind: 'error'; readonly message: string };

type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown, min = 0): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

/** A finite non-negative number (a shrink size is a weighted sum, not always whole). */
function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function scenarioOf(value: unknown): Checked<Scenario> {
  try {
    return { ok: true, value: parseScenario(value) };
  } catch (error) {
    return {
      ok: false,
      problem: error instanceof ScenarioError ? `scenario ${error.message}` : 'scenario: unreadable',
    };
  }
}

function isNumbers(value: unknown): value is readonly number[] {
  return value === undefined || (Array.isArray(value) && value.every((n) => Number.isInteger(n)));
}

export function isViolation(value: unknown): value is Violation {
  return (
    isRecord(value) &&
    typeof value.checker === 'string' &&
    typeof value.message === 'string' &&
    typeof value.time === 'number' &&
    Number.isFinite(value.time) &&
    isCount(value.event) &&
    isNumbers(value.replicas) &&
    isNumbers(value.ops)
  );
}

export function checkFuzzJob(value: unknown): Checked<FuzzJob> {
  if (!isRecord(value)) return { ok: false, problem: 'expected a job object' };
  if (!isCount(value.start)) return { ok: false, problem: 'start: expected a seed' };
  if (!isCount(value.stride, 1)) return { ok: false, problem: 'stride: expected a positive integer' };
  if (typeof value.mutation !== 'string' || !(mutations as readonly string[]).includes(value.mutation))
    return { ok: false, problem: 'mutation: not a known mutation' };
  return {
    ok: true,
    value: { start: value.start, stride: value.stride, mutation: value.mutation as Mutation },
  };
}

export function checkFuzzReply(value: unknown): Checked<FuzzReply> {
  if (!isRecord(value)) return { ok: false, problem: 'expected a reply object' };
  if (value.kind === 'progress')
    return isCount(value.done)
      ? { ok: true, value: { kind: 'progress', done: value.done } }
      : { ok: false, problem: 'progress: expected a count' };
  if (value.kind !== 'failure') return { ok: false, problem: 'an unknown reply' };
  if (!isCount(value.seed)) return { ok: false, problem: 'failure: expected a seed' };
  if (!isViolation(value.violation)) return { ok: false, problem: 'failure: expected a violation' };
  const scenario = scenarioOf(value.scenario);
  if (!scenario.ok) return scenario;
  return {
    ok: true,
    value: { kind: 'failure', seed: value.seed, scenario: scenario.value, violation: value.violation },
  };
}

export function checkShrinkRequest(value: unknown): Checked<ShrinkRequest> {
  if (!isRecord(value)) return { ok: false, problem: 'expected a request object' };
  if (typeof value.checker !== 'string') return { ok: false, problem: 'checker: expected a name' };
  if (!isCount(value.maxRuns, 1)) return { ok: false, problem: 'maxRuns: expected a positive integer' };
  const scenario = scenarioOf(value.scenario);
  if (!scenario.ok) return scenario;
  return { ok: true, value: { scenario: scenario.value, checker: value.checker, maxRuns: value.maxRuns } };
}

export function checkShrinkReply(value: unknown): Checked<ShrinkReply> {
  if (!isRecord(value)) return { ok: false, problem: 'expected a reply object' };
  switch (value.kind) {
    case 'progress':
      return isCount(value.runs) && isAmount(value.size)
        ? { ok: true, value: { kind: 'progress', runs: value.runs, size: value.size } }
        : { ok: false, problem: 'progress: expected counts' };
    case 'error':
      return typeof value.message === 'string'
        ? { ok: true, value: { kind: 'error', message: value.message.slice(0, 300) } }
        : { ok: false, problem: 'error: expected a message' };
    case 'done': {
      if (!isCount(value.runs)) return { ok: false, problem: 'done: expected a run count' };
      if (!isViolation(value.violation)) return { ok: false, problem: 'done: expected a violation' };
      const scenario = scenarioOf(value.scenario);
      if (!scenario.ok) return scenario;
      return {
        ok: true,
        value: { kind: 'done', scenario: scenario.value, violation: value.violation, runs: value.runs },
      };
    }
    default:
      return { ok: false, problem: 'an unknown reply' };
  }
}
