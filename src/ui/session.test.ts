import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../scenario/builtin.ts';
import { parseScenario } from '../scenario/schema.ts';
import type { Frame } from './frame.ts';
import { Journal } from '../sim/journal.ts';
import { Run } from '../sim/run.ts';
import { traceHash } from '../sim/trace-hash.ts';
import { Session } from './session.ts';
import { createAppStore, nextSpeed, speeds } from './store.ts';

function session(scenario = defaultScenario, clock = () => 0, openEnded = false) {
  const store = createAppStore(scenario, true);
  return new Session(store, scenario, { clock, checkpointEvery: 100, openEnded });
}

/** Plays `virtualMs` of the run at 1x in 16 ms frames. */
function play(s: Session, virtualMs: number): void {
  s.setSpeed(1);
  s.play();
  let wall = 1000;
  s.tick(wall);
  while (s.store.getState().cursor.time < virtualMs && s.store.getState().playing) s.tick((wall += 16));
  s.pause();
}

function frame(s: Session): Frame {
  return s.store.getState().frame!;
}

/** What a person sees of the replicas, without the reuse keys. */
function visible(f: Frame): unknown {
  return JSON.stringify({
    replicas: f.replicas.map(({ key: _key, ...rest }) => rest),
    clients: f.clients.map(({ key: _key, ...rest }) => rest),
    inFlight: f.inFlight.map((m) => m.id),
    network: f.network.key,
    time: f.time,
  });
}

describe('playback', () => {
  it('maps wall time x speed to virtual time and commits ops', () => {
    const s = session();
    s.setSpeed(2);
    s.tick(0);
    s.tick(16);
    expect(s.store.getState().cursor.time).toBe(32);
    play(s, 2000);
    const f = frame(s);
    expect(f.time).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...f.replicas.map((r) => r.commitNumber))).toBeGreaterThan(5);
    expect(f.replicas[0].actingPrimary).toBe(true);
  });

  it('never jumps more than the frame gap after a pause in wall time', () => {
    const s = session();
    s.setSpeed(1);
    s.tick(0);
    s.tick(60_000);
    expect(s.store.getState().cursor.time).toBe(100);
  });

  it('lets the cursor lag when the frame budget is spent', () => {
    let now = 0;
    const s = session(defaultScenario, () => (now += 5));
    s.setSpeed(100);
    s.tick(0);
    s.tick(100);
    const cursor = s.store.getState().cursor.time;
    expect(cursor).toBeGreaterThan(0);
    expect(cursor).toBeLessThan(10_000);
  });

  it('pauses at the end of a run loaded for checking', () => {
    const scenario = parseScenario({ version: 1, replicas: 3, until: 300 });
    const s = session(scenario);
    play(s, 1000);
    expect(s.store.getState().playing).toBe(false);
    expect(s.store.getState().cursor.time).toBe(300);
    expect(s.store.getState().scenario.until).toBe(300);
  });
});

describe('an open-ended (live) run', () => {
  const scenario = parseScenario({ version: 1, replicas: 3, until: 300 });

  it('plays on past its end, moving the end as it goes', () => {
    const s = session(scenario, () => 0, true);
    play(s, 2000);
    const state = s.store.getState();
    expect(state.cursor.time).toBeGreaterThanOrEqual(2000);
    expect(state.scenario.until).toBeGreaterThan(2000);
    expect(s.run.scenario).toBe(state.scenario);
  });

  it('plays on through a quiet stretch with nothing scheduled', () => {
    const quiet = parseScenario({
      version: 1,
      replicas: 1,
      clients: 1,
      workload: { requestsPerClient: 0 },
      until: 300,
    });
    const s = session(quiet, () => 0, true);
    play(s, 130_000);
    expect(s.store.getState().cursor.time).toBeGreaterThanOrEqual(130_000);
    expect(
      s.store
        .getState()
        .notices.map((n) => n.text)
        .join(),
    ).not.toContain('reached its end');
  });

  it('takes an action after its end, which extends it', () => {
    const s = session(scenario, () => 0, true);
    s.goToTime(300);
    expect(s.act({ type: 'crash', replica: 1 })).toBe(true);
    expect(s.store.getState().scenario.actions.at(-1)).toMatchObject({ at: 301, type: 'crash' });
  });

  it('is the same run as its link: replaying the extended scenario gives the same trace', () => {
    const s = session(scenario, () => 0, true);
    play(s, 1500);
    const extended = s.store.getState().scenario;
    const replay = new Run(extended);
    replay.extendTo(1500);
    s.run.extendTo(1500);
    expect(traceHash(replay.journal)).toBe(traceHash(s.run.journal));
  });

  it('stops at the most events a run may hold, and says so', () => {
    const store = createAppStore(scenario, true);
    const s = new Session(store, scenario, { clock: () => 0, openEnded: true, eventsMax: 500 });
    play(s, 60_000);
    const state = s.store.getState();
    expect(state.playing).toBe(false);
    expect(s.run.head.eventCount).toBeGreaterThanOrEqual(500);
    expect(state.cursor.time).toBeLessThan(60_000);
    expect(state.notices.at(-1)?.text).toMatch(/the most the page keeps in memory/);
  });

  it('a run loaded for checking keeps its end even when acted on', () => {
    const s = session(scenario, () => 0, false);
    s.goToTime(300);
    expect(s.act({ type: 'crash', replica: 1 })).toBe(false);
    expect(s.store.getState().scenario.until).toBe(300);
  });
});

describe('panel refresh while playing', () => {
  it('refreshes text panels at most every 100 ms of wall time, the log in between, and at once when paused', () => {
    const s = session();
    s.setSpeed(1);
    let wall = 0;
    s.tick(wall);
    const panelAt: number[] = [];
    const logAt: number[] = [];
    let panel = s.store.getState().panelFrame;
    let log = s.store.getState().logEvent;
    for (let i = 0; i < 60; i++) {
      s.tick((wall += 16));
      const state = s.store.getState();
      if (state.panelFrame !== panel) panelAt.push(wall);
      if (state.logEvent !== log) logAt.push(wall);
      panel = state.panelFrame;
      log = state.logEvent;
    }
    expect(panelAt.length).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < panelAt.length; i++) expect(panelAt[i] - panelAt[i - 1]).toBeGreaterThanOrEqual(100);
    expect(logAt.length).toBeGreaterThanOrEqual(6);
    expect(logAt.some((at) => panelAt.includes(at))).toBe(false);
    s.pause();
    const paused = s.store.getState();
    expect(paused.panelFrame).toBe(paused.frame);
    expect(paused.logEvent).toBe(paused.cursor.event);
    s.stepForward();
    expect(s.store.getState().panelFrame).toBe(s.store.getState().frame);
  });
});

describe('time travel', () => {
  it('steps one event forward and back, and the states agree with a fresh replay', () => {
    const s = session();
    play(s, 500);
    const start = s.store.getState().cursor.event;
    const before = visible(frame(s));
    for (let i = 0; i < 30; i++) s.stepForward();
    expect(s.store.getState().cursor.event).toBe(start + 30);
    const ahead = visible(frame(s));
    for (let i = 0; i < 30; i++) s.stepBack();
    expect(s.store.getState().cursor.event).toBe(start);
    const back = frame(s);
    expect(JSON.parse(visible(back) as string).replicas).toEqual(JSON.parse(before as string).replicas);
    for (let i = 0; i < 30; i++) s.stepForward();
    expect(visible(frame(s))).toEqual(ahead);
  });

  it('scrubbing back and forth shows the same states as before', () => {
    const s = session();
    play(s, 3000);
    const times = [2500, 100, 1234, 2999, 0, 1234, 2500];
    const seen = new Map<number, unknown>();
    for (const time of times) {
      s.seekTime(time);
      const shown = visible(frame(s));
      if (seen.has(time)) expect(shown).toEqual(seen.get(time));
      seen.set(time, shown);
    }
    const fresh = session();
    play(fresh, 3000);
    fresh.seekTime(1234);
    expect(visible(frame(fresh))).toEqual(seen.get(1234));
  });

  it('jumps between notable events', () => {
    const s = session();
    play(s, 300);
    s.seekEvent(0);
    expect(s.nextNotable()).toBe(true);
    const first = s.store.getState().cursor.event;
    expect(first).toBeGreaterThan(0);
    expect(s.nextNotable()).toBe(true);
    expect(s.store.getState().cursor.event).toBeGreaterThan(first);
    expect(s.previousNotable()).toBe(true);
    expect(s.store.getState().cursor.event).toBe(first);
  });
});

describe('actions at the cursor', () => {
  it('crashing the primary leads to a higher view with a new primary', () => {
    const s = session();
    play(s, 1000);
    const before = s.store.getState().cursor.time;
    expect(s.act({ type: 'crash', replica: 0 })).toBe(true);
    const at = s.store.getState().scenario.actions[0].at;
    expect(at).toBe(Math.floor(before) + 1);
    // Paused, the cursor moves onto the action so its effect shows at once.
    expect(s.store.getState().cursor.time).toBe(at);
    expect(frame(s).replicas[0].status).toBe('crashed');
    play(s, 4000);
    const f = frame(s);
    expect(f.replicas[0].status).toBe('crashed');
    const primary = f.replicas.find((r) => r.actingPrimary)!;
    expect(primary.view).toBeGreaterThan(0);
    expect(primary.id).not.toBe(0);
    expect(s.store.getState().markers.some((m) => m.kind === 'crash')).toBe(true);
    expect(s.store.getState().markers.some((m) => m.kind === 'view')).toBe(true);
  });

  it('a restarted replica goes through recovering back to normal', () => {
    const s = session();
    play(s, 800);
    s.act({ type: 'crash', replica: 2 });
    play(s, 1500);
    s.act({ type: 'restart', replica: 2 });
    s.stepForward();
    expect(frame(s).replicas[2].status).toBe('recovering');
    expect(frame(s).replicas[2].tallies[0].label).toBe('crash_vector_response');
    play(s, 3000);
    expect(frame(s).replicas[2].status).toBe('normal');
    expect(frame(s).replicas[2].commitNumber).toBeGreaterThan(0);
  });

  it('acting in the past drops the future and says so', () => {
    const s = session();
    play(s, 2000);
    s.act({ type: 'crash', replica: 3 });
    play(s, 3000);
    const computed = s.store.getState().head.events;
    s.seekTime(1000);
    s.act({ type: 'timeout', replica: 1 });
    const state = s.store.getState();
    expect(state.scenario.actions.map((a) => a.type)).toEqual(['timeout']);
    expect(state.head.events).toBeLessThan(computed);
    expect(state.notices.at(-1)?.text).toMatch(/changed the past/);
    expect(state.notices.at(-1)?.tone).toBe('warning');
  });

  it('moving or deleting a planned action recomputes the run as a fresh run of the edited scenario', () => {
    const planned = parseScenario({
      ...defaultScenario,
      actions: [
        { at: 800, type: 'crash', replica: 0 },
        { at: 2500, type: 'restart', replica: 0 },
      ],
    });
    const s = session(planned);
    play(s, 3000);
    const before = s.store.getState().head.events;
    expect(s.editAction(0, 1600)).toBe(0);
    const state = s.store.getState();
    expect(state.scenario.actions.map((a) => [a.type, a.at])).toEqual([
      ['crash', 1600],
      ['restart', 2500],
    ]);
    expect(state.notices.at(-1)?.text).toMatch(
      /Moved "replica 0 crashed" from 0.8.* to 1.6.*recomputed from 0.8/,
    );
    expect(state.cursor.time).toBeCloseTo(3000, -2);
    // The recomputed trace up to the cursor is the trace of a run that had the edit from the start.
    const fresh = new Run(state.scenario, { checkpointEvery: 100 });
    fresh.extendBy(state.cursor.event);
    const shown = new Journal();
    for (const event of s.run.journal.events(0, state.cursor.event)) shown.appendEvent(event);
    for (const record of s.run.journal.messages()) shown.appendMessage(record);
    expect(traceHash(fresh.journal)).toBe(traceHash(shown));
    expect(s.run.head.eventCount).not.toBe(before);

    expect(s.editAction(0, 2600)).toBe(1);
    expect(s.store.getState().scenario.actions.map((a) => a.type)).toEqual(['restart', 'crash']);
    expect(s.editAction(0, null)).toBe(-1);
    expect(s.store.getState().scenario.actions.map((a) => a.type)).toEqual(['crash']);
    expect(s.editAction(5, 100)).toBeNull();
    expect(s.editAction(0, Number.NaN)).toBeNull();
  });

  it('drops one message in flight by hand', () => {
    const s = session();
    play(s, 700);
    const message = frame(s).inFlight[0];
    expect(message).toBeDefined();
    s.act({ type: 'drop', id: message.id });
    s.stepForward();
    s.stepForward();
    const events = [...s.run.journal.events(0, s.store.getState().cursor.event)];
    const lost = events.find((e) => e.kind === 'lose' && e.msgId === message.id);
    expect(lost).toBeDefined();
    expect(frame(s).inFlight.some((m) => m.id === message.id)).toBe(false);
    expect(frame(s).fading.some((m) => m.record.id === message.id)).toBe(true);
  });

  it('stops the run on a violation and shows seed, time and event', () => {
    const scenario = parseScenario({
      version: 1,
      replicas: 3,
      clients: 2,
      seed: 7,
      mutation: 'commit-without-quorum',
      workload: { requestsPerClient: 50, keys: 2 },
      until: 20_000,
      actions: [
        { at: 200, type: 'partition', groups: [[0], [1, 2]] },
        { at: 2500, type: 'heal' },
      ],
    });
    const s = session(scenario);
    play(s, 20_000);
    const state = s.store.getState();
    expect(state.playing).toBe(false);
    expect(state.stop).not.toBeNull();
    expect(state.stop!.seed).toBe(7);
    expect(state.stop!.message).toMatch(/no-lost-commit/);
    expect(state.stop!.event).toBe(state.frame!.violations[0].event);
    expect(state.cursor.time).toBeLessThan(20_000);
    // Play does nothing at the stopped head; stepping back and forth still works.
    s.play();
    expect(s.store.getState().playing).toBe(false);
    s.stepBack();
    expect(s.store.getState().cursor.event).toBe(state.cursor.event - 1);
    // Replaying up to the violation stops there again.
    s.seekTime(state.cursor.time - 200);
    s.play();
    let wall = 5000;
    s.tick(wall);
    for (let i = 0; i < 200 && s.store.getState().playing; i++) s.tick((wall += 16));
    expect(s.store.getState().playing).toBe(false);
    expect(s.store.getState().cursor.event).toBe(s.run.head.eventCount);
    // Acting at the stopped head is refused; acting before the violation forks the run.
    s.seekEvent(s.run.head.eventCount);
    expect(s.act({ type: 'heal' })).toBe(false);
    expect(s.store.getState().notices.at(-1)?.text).toMatch(/stopped at a violation/);
    s.seekTime(100);
    expect(s.act({ type: 'crash', replica: 0 })).toBe(true);
    expect(s.store.getState().stop).toBeNull();
  });

  it('a new run replaces everything and starts from time 0', () => {
    const s = session();
    play(s, 1000);
    s.act({ type: 'crash', replica: 1 });
    const next = parseScenario({
      version: 1,
      replicas: 3,
      clients: 1,
      seed: 5,
      workload: { requestsPerClient: 5 },
    });
    s.newRun(next, false);
    const state = s.store.getState();
    expect(state.scenario).toBe(next);
    expect(state.cursor).toEqual({ event: 0, time: 0 });
    expect(state.frame?.replicas).toHaveLength(3);
    expect(state.panelFrame).toBe(state.frame);
    expect(state.markers).toEqual([]);
    expect(state.selection).toBeNull();
    expect(state.playing).toBe(false);
  });
});

describe('speeds', () => {
  it('step through the list and stop at the ends', () => {
    expect(nextSpeed(1, 1)).toBe(2);
    expect(nextSpeed(1, -1)).toBe(0.5);
    expect(nextSpeed(speeds[0], -1)).toBe(speeds[0]);
    expect(nextSpeed(100, 1)).toBe(100);
    expect(nextSpeed(0.3, 1)).toBe(0.5);
    expect(nextSpeed(0.3, -1)).toBe(0.2);
  });
});
