import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../../scenario/builtin.ts';
import { mutationLabel, whereShown } from './rules.ts';
import { checkFuzzJob, checkFuzzReply, checkShrinkReply, checkShrinkRequest } from './worker-messages.ts';

const violation = { checker: 'agreement', time: 10, event: 3, message: 'm', replicas: [0], ops: [1] };

describe('worker messages are checked both ways', () => {
  it('fuzz jobs', () => {
    expect(checkFuzzJob({ start: 1, stride: 2, mutation: 'none' })).toMatchObject({ ok: true });
    expect(checkFuzzJob({ start: 1, stride: 0, mutation: 'none' })).toMatchObject({ ok: false });
    expect(checkFuzzJob({ start: 1, stride: 1, mutation: 'rm -rf' })).toMatchObject({ ok: false });
    expect(checkFuzzJob(null)).toMatchObject({ ok: false });
  });

  it('fuzz replies', () => {
    expect(checkFuzzReply({ kind: 'progress', done: 4 })).toEqual({
      ok: true,
      value: { kind: 'progress', done: 4 },
    });
    expect(checkFuzzReply({ kind: 'progress', done: Number.NaN })).toMatchObject({ ok: false });
    expect(checkFuzzReply({ kind: 'failure', seed: 7, scenario: defaultScenario, violation })).toMatchObject({
      ok: true,
      value: { seed: 7, scenario: defaultScenario },
    });
    expect(
      checkFuzzReply({ kind: 'failure', seed: 7, scenario: { ...defaultScenario, replicas: 4 }, violation }),
    ).toMatchObject({ ok: false, problem: /^scenario replicas/ });
    expect(
      checkFuzzReply({ kind: 'failure', seed: 7, scenario: defaultScenario, violation: { checker: 1 } }),
    ).toMatchObject({ ok: false });
    expect(checkFuzzReply({ kind: 'surprise' })).toMatchObject({ ok: false });
  });

  it('shrink requests and replies', () => {
    expect(checkShrinkRequest({ scenario: defaultScenario, checker: 'agreement', maxRuns: 5 })).toMatchObject(
      { ok: true },
    );
    expect(checkShrinkRequest({ scenario: {}, checker: 'agreement', maxRuns: 5 })).toMatchObject({
      ok: false,
    });
    expect(
      checkShrinkRequest({ scenario: defaultScenario, checker: 'agreement', maxRuns: -1 }),
    ).toMatchObject({ ok: false });
    expect(checkShrinkReply({ kind: 'progress', runs: 1, size: 2 })).toMatchObject({ ok: true });
    // A shrink size is a weighted sum with a fractional part (until / 1000).
    expect(checkShrinkReply({ kind: 'progress', runs: 1, size: 3402.5 })).toMatchObject({ ok: true });
    expect(checkShrinkReply({ kind: 'progress', runs: 1, size: Number.NaN })).toMatchObject({ ok: false });
    expect(checkShrinkReply({ kind: 'error', message: 'x'.repeat(1000) })).toMatchObject({
      ok: true,
      value: { message: 'x'.repeat(300) },
    });
    expect(checkShrinkReply({ kind: 'done', scenario: defaultScenario, violation, runs: 3 })).toMatchObject({
      ok: true,
      value: { kind: 'done', runs: 3 },
    });
    expect(checkShrinkReply({ kind: 'done', scenario: defaultScenario, runs: 3 })).toMatchObject({
      ok: false,
    });
    expect(checkShrinkReply('done')).toMatchObject({ ok: false });
  });
});

describe('the fuzz panel’s words', () => {
  it('labels mutations as Settings does', () => {
    expect(mutationLabel('none')).toBe('as the paper gives it');
    expect(mutationLabel('ack-with-gap')).toBe('broken: ack-with-gap');
  });

  it('says where a liveness or linearizability failure shows in the opened run', () => {
    expect(whereShown('liveness')).toMatch(/after the faults stop/);
    expect(whereShown('linearizability')).toMatch(/Linearizability view/);
    expect(whereShown('agreement')).toBeNull();
  });
});
