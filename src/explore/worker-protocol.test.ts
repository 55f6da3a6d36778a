import { describe, expect, it } from 'vitest';
import { mutationScenarios } from '../scenario/mutation-scenarios.ts';
import { checkFromWorker, handleToWorker, type FromWorker, type WorkerState } from './worker-protocol.ts';

describe('explorer worker protocol', () => {
  it('answers each request once, in order: init, expand (with its successors per owner), admit', () => {
    const state: WorkerState = { core: null };
    const replies: FromWorker[] = [];
    const post = (reply: FromWorker) => replies.push(reply);
    handleToWorker(state, { type: 'expand' }, post);
    expect(replies.pop()).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/init must come first/),
    });
    const { scenario } = mutationScenarios['ack-with-gap'];
    handleToWorker(
      state,
      { type: 'init', scenario, at: 90, depth: 2, crashes: 0, network: 'exact', index: 0, count: 1 },
      post,
    );
    expect(replies.pop()).toEqual({ type: 'ready', violation: null, frontier: 1 });
    handleToWorker(state, { type: 'expand' }, post);
    const expanded = replies.pop()!;
    expect(expanded.type).toBe('expanded');
    if (expanded.type !== 'expanded') return;
    expect(expanded.batches).toHaveLength(1);
    expect(expanded.batches[0].paths.length).toBeGreaterThan(0);
    handleToWorker(state, { type: 'admit', batches: expanded.batches }, post);
    expect(replies.pop()).toMatchObject({ type: 'admitted', added: expanded.batches[0].paths.length });
    // Every reply it sent passes the page's check.
    for (const reply of [expanded]) expect(checkFromWorker(reply)).toBe(reply);
  });

  it('refuses a malformed reply with a reason', () => {
    expect(checkFromWorker(null)).toBe('not a reply');
    expect(checkFromWorker({ type: 'ready', violation: null, frontier: -1 })).toBe('a malformed ready');
    expect(checkFromWorker({ type: 'expanded', batches: [{ fingerprints: [1], paths: [] }] })).toBe(
      'a malformed expansion',
    );
    expect(checkFromWorker({ type: 'bogus' })).toBe("an unknown reply 'bogus'");
    expect(checkFromWorker({ type: 'progress', expanded: 3 })).toEqual({ type: 'progress', expanded: 3 });
  });
});
