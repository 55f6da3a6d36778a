/**
 * The session drives one run for the UI: it owns the Run (the simulator's time-travelling trace),
 * maps wall time x speed to virtual time, derives the frozen frame at the cursor and sets the store
 * once per update. Every person's action goes through here and becomes a scenario action at the
 * cursor. No React in here: it is unit-tested in Node.
 */
import { Run } from '../sim/run.ts';
import type { Action, Scenario } from '../sim/scenario-types.ts';
import type { World } from '../sim/world.ts';
import { actionsMax, untilMsMax } from '../scenario/schema.ts';
import { buildFrame } from './frame.ts';
import { afterFork, noThinning, thinCheckpoints, thinningNotice, type Thinning } from './memory-policy.ts';
import { MarkerIndex, isJumpTarget, jumpKindLabels, type JumpKind } from './notable.ts';
import {
  nextSpeed,
  panelIntervalMs,
  withNotice,
  type AppState,
  type AppStore,
  type Cursor,
  type StatePatch,
  type Stop,
} from './store.ts';
import { formatTime } from './format.ts';
import { editActions, namesMessageById } from './fault-lanes.ts';
import { actionCaption } from '../sim/caption.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An action as a person asks for it: the session stamps the time. */
export type UserAction = DistributiveOmit<Action, 'at'>;

/** A change of the past: the run's scenario before and after, and what changed, when. */
export interface Fork {
  readonly before: Scenario;
  readonly after: Scenario;
  /** Virtual ms of the change (where the two futures part). */
  readonly at: number;
  /** What started the new future, e.g. "replica 2 crashed at 1.234 s". */
  readonly label: string;
}

export interface SessionOptions {
  /** Events between the run's checkpoints: bounds the replay of a seek. */
  readonly checkpointEvery?: number;
  /** Wall ms of simulation per animation frame before the cursor is allowed to lag. */
  readonly frameBudgetMs?: number;
  /** Longest wall-clock gap a frame accounts for (a hidden tab does not jump minutes ahead). */
  readonly maxFrameGapMs?: number;
  readonly clock?: () => number;
  /** Whether the first run is live (extends its end) rather than loaded for checking. */
  readonly openEnded?: boolean;
  /** Events a run may hold before playing stops (runEventsMax). */
  readonly eventsMax?: number;
}

/**
 * The most events a run keeps in the page. The trace keeps every event (the event log, the
 * diagram, links and exports read it), about 100 bytes each: at this many the heap holds about
 * 250 MB, and playing stops with a notice rather than grow without bound (see memory-policy.ts).
 */
export const runEventsMax = 2_000_000;

/**
 * How often the text panels follow while playing: every panelIntervalMs, or at 10x and faster
 * every fastPanelIntervalMs (their numbers change too fast to read, and redrawing nine cards'
 * logs every 100 ms was most of the page's layout work at 100x).
 */
export const fastPanelIntervalMs = 250;

export function panelIntervalFor(speed: number): number {
  return speed >= 10 ? fastPanelIntervalMs : panelIntervalMs;
}

/** How far past the cursor an open-ended run moves its end each time it reaches it. */
export const untilStepMs = 60_000;

export const uiCheckpointEvery = 250;
const renumberedWarning =
  ' Later drop and duplicate actions name messages by id: in the recomputed run those ids may be other messages.';
/** Events computed per chunk while looking for the next notable event. */
const notableSearchChunk = 4000;
/** Events scanned at most while looking for the next notable event. */
const notableSearchMax = 200_000;

export class Session {
  run: Run;
  readonly store: AppStore;
  readonly markerIndex = new MarkerIndex();
  private cached: World | null = null;
  private generation = 0;
  private lastWall: number | null = null;
  private lastPanelWall = -Infinity;
  private lastLogWall = -Infinity;
  private readonly options: Required<SessionOptions>;
  private speedWindow = { wall: 0, virtual: 0 };
  /** See extendUntil. */
  private openEnded: boolean;
  /** The memory policy's progress over this run's checkpoints (see memory-policy.ts). */
  private thinning: Thinning = noThinning;
  /** Told whenever newRun() replaces the run (the share module records browser history). */
  onNewRun: ((scenario: Scenario) => void) | null = null;
  /** Told whenever newRun() replaces the run, for the branch tree (which starts again). */
  onReplaced: ((scenario: Scenario) => void) | null = null;
  /**
   * Told when a change to the past forked the run. Without it, the future after the change is
   * discarded; with it (the Branches panel), that future is kept as the branch it was.
   */
  onFork: ((fork: Fork) => void) | null = null;

  constructor(store: AppStore, scenario: Scenario, options: SessionOptions = {}) {
    this.store = store;
    this.options = {
      checkpointEvery: options.checkpointEvery ?? uiCheckpointEvery,
      frameBudgetMs: options.frameBudgetMs ?? 5,
      maxFrameGapMs: options.maxFrameGapMs ?? 100,
      clock: options.clock ?? (() => performance.now()),
      openEnded: options.openEnded ?? true,
      eventsMax: options.eventsMax ?? runEventsMax,
    };
    this.run = new Run(scenario, { checkpointEvery: this.options.checkpointEvery });
    this.openEnded = options.openEnded ?? true;
    this.store.setState({ scenario, generation: this.generation });
    this.publish({ event: 0, time: 0 });
  }

  private get state(): AppState {
    return this.store.getState();
  }

  // ---------------------------------------------------------------- worlds and frames

  /** The world after `count` events (as many as exist). The head itself when the cursor is live. */
  worldAt(count: number): World {
    const run = this.run;
    if (count > run.head.eventCount && !run.head.halted) run.extendBy(count - run.head.eventCount);
    const target = Math.max(0, Math.min(count, run.head.eventCount));
    if (target === run.head.eventCount) {
      this.cached = null;
      return run.head;
    }
    const cached = this.cached;
    if (cached !== null && cached.eventCount <= target && target - cached.eventCount <= run.checkpointEvery) {
      while (cached.eventCount < target && cached.step());
      return cached;
    }
    this.cached = run.worldAfter(target);
    return this.cached;
  }

  /**
   * Derives the frame at `cursor` and sets the store once. From the animation loop (`wall` given)
   * the text panels' frame follows at most every panelIntervalMs; otherwise it follows at once.
   */
  private publish(cursor: Cursor, extra: StatePatch = {}, wall?: number): void {
    const world = this.worldAt(cursor.event);
    const state = this.state;
    const time = Math.max(cursor.time, world.eventCount > 0 ? world.now : 0);
    const frame = buildFrame(world, this.run.journal, time, this.generation, state.frame);
    this.markerIndex.scan(this.run.journal);
    this.applyMemoryPolicy(extra);
    const head = this.run.head;
    const finished = this.run.finished;
    const next: StatePatch = { cursor: { event: world.eventCount, time }, frame, ...extra };
    const immediate = wall === undefined || extra.playing === false;
    const at = wall ?? 0;
    // While playing, the text panels, the timeline and its markers follow at most every
    // panelIntervalMs, and the event log half-way between them, so that the work is spread.
    const interval = panelIntervalFor(state.speed);
    const panelDue = immediate || at - this.lastPanelWall >= interval;
    const logDue =
      immediate ||
      (!panelDue && at - this.lastLogWall >= interval && at - this.lastPanelWall >= interval / 2);
    if (panelDue) {
      next.panelFrame = frame;
      next.markers = this.markerIndex.markers;
      if (
        state.head.events !== head.eventCount ||
        state.head.time !== head.now ||
        state.head.finished !== finished
      )
        next.head = { events: head.eventCount, time: head.now, finished };
      if (wall !== undefined) this.lastPanelWall = wall;
    }
    if (logDue) {
      // The log shows the moment the panels show (never ahead of the status bar's time), only
      // rendered half a period later so that the work is spread.
      next.logEvent = panelDue ? world.eventCount : (state.panelFrame?.eventCount ?? world.eventCount);
      if (wall !== undefined) this.lastLogWall = wall;
    }
    if (frame.violations.length > 0 && state.stop === null && extra.stop === undefined) {
      const violation = frame.violations[0];
      next.stop = {
        title:
          violation.checker === 'assertion' ? 'A protocol assertion failed' : 'A checker found a violation',
        message: `${violation.checker}: ${violation.message}`,
        seed: this.run.scenario.seed,
        time: violation.time,
        event: violation.event,
      };
      next.playing = false;
      next.panelFrame = frame;
      next.logEvent = world.eventCount;
    }
    this.store.setState(next);
  }

  /** Thins old checkpoints as the run grows; the first time it drops any, says so once. */
  private applyMemoryPolicy(extra: StatePatch): void {
    const before = this.thinning;
    this.thinning = thinCheckpoints(this.run, before);
    if (before.dropped === 0 && this.thinning.dropped > 0 && extra.notices === undefined)
      Object.assign(extra, withNotice(this.state, 'info', thinningNotice(this.run)));
  }

  /** Checkpoints the memory policy has dropped from this run (for the status and the bench). */
  get droppedCheckpoints(): number {
    return this.thinning.dropped;
  }

  private refresh(extra: StatePatch = {}): void {
    this.publish(this.state.cursor, extra);
  }

  // ---------------------------------------------------------------- the animation loop

  /** One animation frame at wall time `wall` (ms): advances the cursor by elapsed x speed. */
  tick(wall: number): void {
    const last = this.lastWall;
    this.lastWall = wall;
    const state = this.state;
    if (!state.playing) return;
    const elapsed = last === null ? 0 : Math.min(Math.max(0, wall - last), this.options.maxFrameGapMs);
    if (elapsed === 0) return;
    try {
      this.advance(elapsed, state, wall);
    } catch (error) {
      this.fail(error);
    }
  }

  private advance(elapsed: number, state: AppState, wall: number): void {
    const run = this.run;
    const wanted = state.cursor.time + elapsed * state.speed;
    const extended = this.extendUntil(wanted);
    const until = run.scenario.until;
    let target = Math.min(until, wanted);
    if (target > run.head.now) target = Math.min(target, this.extendWithinBudget(target));
    const count = target >= run.head.now ? run.head.eventCount : run.eventCountAt(target);
    const extra: StatePatch = {};
    const stalled = run.head.halted && count === run.head.eventCount;
    // An open-ended run has no end but a violation: a quiet cluster (nothing scheduled before the
    // current end) plays on, its time passing.
    const ended = !this.openEnded && run.finished && count === run.head.eventCount;
    const full = run.head.eventCount >= this.options.eventsMax && count >= run.head.eventCount;
    if (full) {
      extra.playing = false;
      Object.assign(
        extra,
        withNotice(
          state,
          'warning',
          `This run holds ${run.head.eventCount.toLocaleString('en')} events, the most the page keeps in memory (about 250 MB): playing stops here. Export it, or start a new run.`,
        ),
      );
    } else if (target >= until || ended || stalled) {
      extra.playing = false;
      if (!stalled)
        Object.assign(extra, withNotice(state, 'info', `The run reached its end at ${formatTime(target)}.`));
    }
    this.trackSpeed(elapsed, target - state.cursor.time, state, extra);
    if (extended) extra.scenario = run.scenario;
    this.publish({ event: count, time: target }, extra, wall);
  }

  /**
   * A live run is open-ended: when the cursor would pass the scenario's end, the end moves on
   * (untilStepMs past `time`, at most untilMsMax). Only `until` changes, never an event before it,
   * so the link, the export and a replay still hold the same run. A run loaded for checking (a
   * link, an import, a counterexample, a tour's steps) keeps its end. Returns whether it moved.
   */
  private extendUntil(time: number): boolean {
    const run = this.run;
    if (!this.openEnded || run.head.halted || time < run.scenario.until) return false;
    if (run.scenario.until >= untilMsMax) return false;
    const until = Math.min(untilMsMax, Math.ceil(time) + untilStepMs);
    run.scenario = { ...run.scenario, until };
    return true;
  }

  /** Whether the run extends its end as it is played or acted on (see extendUntil). */
  get isOpenEnded(): boolean {
    return this.openEnded;
  }

  /** Makes the run open-ended (a tour handing the run over) or bounded (loaded for checking). */
  setOpenEnded(openEnded: boolean): void {
    this.openEnded = openEnded;
  }

  /** Computes the run towards `target` for at most the frame budget; returns the time reached. */
  private extendWithinBudget(target: number): number {
    const run = this.run;
    const clock = this.options.clock;
    const deadline = clock() + this.options.frameBudgetMs;
    const goal = Math.floor(target);
    let chunk = 4;
    while (run.head.now < goal && !run.head.halted) {
      run.extendTo(Math.min(goal, run.head.now + chunk));
      if (clock() > deadline) break;
      chunk *= 2;
    }
    return run.head.now >= goal ? target : run.head.now;
  }

  private trackSpeed(elapsed: number, advanced: number, state: AppState, extra: StatePatch): void {
    const window = this.speedWindow;
    window.wall += elapsed;
    window.virtual += advanced;
    if (window.wall < 500) return;
    const effective = window.virtual / window.wall;
    window.wall = 0;
    window.virtual = 0;
    if (Math.abs(effective - state.effectiveSpeed) > state.speed * 0.05) extra.effectiveSpeed = effective;
  }

  private fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const state = this.state;
    const stop: Stop = {
      title: 'The simulator stopped with an error',
      message,
      seed: this.run.scenario.seed,
      time: this.run.head.now,
      event: this.run.head.eventCount,
    };
    this.store.setState({ playing: false, stop, ...withNotice(state, 'error', message) });
  }

  // ---------------------------------------------------------------- transport

  play(): void {
    const state = this.state;
    if (state.stop !== null && state.cursor.event >= this.run.head.eventCount) return;
    if (this.extendUntil(state.cursor.time + 1)) this.store.setState({ scenario: this.run.scenario });
    if (state.cursor.time >= this.run.scenario.until) return;
    this.lastWall = null;
    this.store.setState({ playing: true });
  }

  pause(): void {
    if (this.state.playing) this.refresh({ playing: false });
  }

  togglePlay(): void {
    if (this.state.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    this.store.setState({ speed, effectiveSpeed: 0 });
  }

  changeSpeed(direction: 1 | -1): void {
    this.setSpeed(nextSpeed(this.state.speed, direction));
  }

  stepForward(): void {
    this.pause();
    const cursor = this.state.cursor;
    const run = this.run;
    if (cursor.event >= run.head.eventCount && !run.head.halted) run.extendBy(1);
    if (cursor.event >= run.head.eventCount) {
      this.store.setState(withNotice(this.state, 'info', 'No later event: the run has ended here.'));
      return;
    }
    this.publish({
      event: cursor.event + 1,
      time: Math.max(cursor.time, run.journal.eventTime(cursor.event)),
    });
  }

  stepBack(): void {
    this.pause();
    const cursor = this.state.cursor;
    if (cursor.event === 0) return;
    this.seekEvent(cursor.event - 1);
  }

  /** Moves the cursor to just after `count` events. */
  seekEvent(count: number): void {
    const run = this.run;
    const target = Math.max(0, Math.min(count, run.head.eventCount));
    const time = target === 0 ? 0 : run.journal.eventTime(target - 1);
    this.publish({ event: target, time });
  }

  /** Moves the cursor to virtual time `time` (within what has been computed). */
  seekTime(time: number): void {
    const run = this.run;
    const clamped = Math.max(0, Math.min(time, run.head.now));
    this.publish({ event: run.eventCountAt(clamped), time: clamped });
  }

  /** Computes the run up to `time` and moves the cursor there (where a link lands). */
  goToTime(time: number): void {
    this.run.extendTo(Math.floor(Math.min(time, this.run.scenario.until)));
    this.seekTime(time);
  }

  nextNotable(): boolean {
    return this.jump('notable', 1);
  }

  previousNotable(): boolean {
    return this.jump('notable', -1);
  }

  /**
   * Moves the cursor to just after the next (1) or previous (-1) event of `kind`, computing the run
   * ahead in chunks when needed (at most notableSearchMax events). `matches` is the event log's
   * filter, for kind 'match'. Says so when there is none.
   */
  jump(kind: JumpKind, direction: 1 | -1, matches: (index: number) => boolean = () => false): boolean {
    this.pause();
    const run = this.run;
    const journal = run.journal;
    const violationEvents = () => new Set(run.head.violations.map((v) => v.event));
    let violations = violationEvents();
    if (direction === 1) {
      const limit = this.state.cursor.event + notableSearchMax;
      for (let index = this.state.cursor.event; index < limit; index++) {
        while (index >= journal.eventCount) {
          if (run.finished || run.head.halted) break;
          run.extendBy(notableSearchChunk);
          violations = violationEvents();
        }
        if (index >= journal.eventCount) break;
        if (isJumpTarget(journal, index, kind, violations, matches)) {
          this.seekEvent(index + 1);
          return true;
        }
      }
      this.refresh(withNotice(this.state, 'info', `No ${jumpKindLabels[kind]} ahead.`));
      return false;
    }
    for (let index = this.state.cursor.event - 2; index >= 0; index--)
      if (isJumpTarget(journal, index, kind, violations, matches)) {
        this.seekEvent(index + 1);
        return true;
      }
    if (kind === 'notable') this.seekEvent(0);
    else this.refresh(withNotice(this.state, 'info', `No ${jumpKindLabels[kind]} before this moment.`));
    return false;
  }

  // ---------------------------------------------------------------- actions

  /**
   * Applies a person's action at the cursor: it becomes a scenario action at the cursor's time + 1 ms
   * (after everything already shown). Acting in the past changes the future: later actions and the
   * computed trace after that time go from this run and are recomputed (with onFork set, the branch
   * tree keeps the old future as a branch). When paused, the cursor then moves to that millisecond so
   * the action's effect is visible.
   */
  act(userAction: UserAction | readonly UserAction[]): boolean {
    const state = this.state;
    const run = this.run;
    const actions = Array.isArray(userAction)
      ? (userAction as readonly UserAction[])
      : [userAction as UserAction];
    const at = Math.floor(state.cursor.time) + 1;
    this.extendUntil(at);
    if (at > run.scenario.until) {
      this.store.setState(withNotice(state, 'warning', 'The run has ended: start a new run to act again.'));
      return false;
    }
    // Actions at `at` itself were taken at this same moment: they stay, in order.
    if (run.head.halted && state.cursor.event >= run.head.eventCount) {
      this.store.setState(
        withNotice(
          state,
          'warning',
          'The run stopped at a violation: step back to act before it, or start a new run.',
        ),
      );
      return false;
    }
    const kept = run.scenario.actions.filter((action) => action.at <= at);
    if (kept.length + actions.length > actionsMax) {
      this.store.setState(withNotice(state, 'warning', `A run holds at most ${actionsMax} actions.`));
      return false;
    }
    const droppedActions = run.scenario.actions.length - kept.length;
    const droppedEvents = run.head.eventCount - run.eventCountAt(at - 1);
    const before = run.scenario;
    const added = actions.map((action) => ({ ...action, at }) as Action);
    run.setActions([...kept, ...added]);
    this.forgetFuture();
    if (run.head.eventCount < state.cursor.event) run.extendBy(state.cursor.event - run.head.eventCount);
    const extra = this.forkPatch(state);
    const changedPast = droppedEvents > 0 || droppedActions > 0;
    if (changedPast && this.onFork !== null) {
      this.onFork({
        before,
        after: run.scenario,
        at,
        label: `${actionCaption(added[0])} at ${formatTime(at)}`,
      });
      Object.assign(
        extra,
        withNotice(
          state,
          'info',
          `You changed the past at ${formatTime(at)}: this is a new branch, and the future you left is kept (Branches).`,
        ),
      );
    } else if (changedPast) {
      const parts = [];
      if (droppedEvents > 0) parts.push(`${droppedEvents} computed event${droppedEvents === 1 ? '' : 's'}`);
      if (droppedActions > 0) parts.push(`${droppedActions} later action${droppedActions === 1 ? '' : 's'}`);
      Object.assign(
        extra,
        withNotice(
          state,
          'warning',
          `You changed the past at ${formatTime(at)}: ${parts.join(' and ')} after it were discarded; the run continues from here.`,
        ),
      );
    }
    // Paused, the cursor moves onto the action's moment so that its effect shows at once.
    if (!state.playing && !run.head.halted) {
      if (run.head.now < at) run.extendTo(at);
      this.publish({ event: run.eventCountAt(at), time: at }, extra);
    } else this.publish({ event: state.cursor.event, time: state.cursor.time }, extra);
    return true;
  }

  /**
   * Moves scenario action `index` to time `at`, or deletes it when `at` is null (the fault lanes'
   * drag and delete). The run is recomputed from the earlier of the old and new times; the cursor
   * keeps its time and the future after the change is computed again. Returns where the action now
   * is in the list (-1 when deleted), or null when nothing was done.
   */
  editAction(index: number, at: number | null): number | null {
    const state = this.state;
    const run = this.run;
    const action = run.scenario.actions[index];
    if (action === undefined || (at !== null && !Number.isFinite(at))) return null;
    const target = at === null ? null : Math.max(0, Math.min(Math.round(at), run.scenario.until));
    if (target === action.at) return index;
    const changedAt = target === null ? action.at : Math.min(action.at, target);
    const edited = editActions(run.scenario.actions, index, target);
    // Message ids are handed out in order, so a recomputed past renumbers the messages these meant.
    const renumbered = edited.actions.some((a) => a.at >= changedAt && namesMessageById(a));
    const before = run.scenario;
    run.setActions(edited.actions);
    const what = actionCaption(action);
    this.onFork?.({
      before,
      after: run.scenario,
      at: changedAt,
      label: target === null ? `without "${what}"` : `"${what}" moved to ${formatTime(target)}`,
    });
    this.forgetFuture();
    const time = Math.min(state.cursor.time, run.scenario.until);
    if (run.head.now < time && !run.head.halted) run.extendTo(Math.floor(time));
    const extra: StatePatch = {
      ...this.forkPatch(state),
      ...withNotice(
        state,
        'info',
        target === null
          ? `Deleted "${what}" at ${formatTime(action.at)}: the run was recomputed from there.${renumbered ? renumberedWarning : ''}`
          : `Moved "${what}" from ${formatTime(action.at)} to ${formatTime(target)}: the run was recomputed from ${formatTime(changedAt)}.${renumbered ? renumberedWarning : ''}`,
      ),
    };
    const clamped = Math.min(time, run.head.now);
    this.publish({ event: run.eventCountAt(clamped), time: clamped }, extra);
    return edited.index;
  }

  /** After the run forked (its scenario's actions changed): what was derived from the old future goes. */
  private forgetFuture(): void {
    afterFork(this.run);
    this.generation++;
    this.cached = null;
    this.markerIndex.truncate(this.run.journal.eventCount);
  }

  /** The store patch of a fork: the new scenario and generation; a message that is gone is unselected. */
  private forkPatch(state: AppState): StatePatch {
    const run = this.run;
    const patch: StatePatch = { scenario: run.scenario, generation: this.generation, stop: null };
    if (state.selection?.kind === 'message' && state.selection.id >= run.journal.messageCount)
      patch.selection = null;
    return patch;
  }

  /**
   * Replaces the run with a new scenario, from time 0. `openEnded`: a live run the person plays
   * with (it extends its end); false for a scenario loaded to be checked, which keeps its end.
   */
  newRun(scenario: Scenario, playing = true, openEnded = true): void {
    this.openEnded = openEnded;
    this.replaceRun(new Run(scenario, { checkpointEvery: this.options.checkpointEvery }), 0, playing);
    this.onNewRun?.(scenario);
    this.onReplaced?.(scenario);
  }

  /**
   * Shows another branch of the run's tree at `time`, paused: its own run when one is kept (the
   * switch is then instant), or its scenario replayed. The tree is not told: it asked for this.
   */
  showBranch(scenario: Scenario, time: number, kept?: Run): void {
    const run =
      kept?.scenario === scenario
        ? kept
        : new Run(scenario, { checkpointEvery: this.options.checkpointEvery });
    run.extendTo(Math.floor(Math.min(time, scenario.until)));
    this.replaceRun(run, Math.min(time, run.head.now), false);
  }

  private replaceRun(run: Run, time: number, playing: boolean): void {
    this.run = run;
    this.thinning = noThinning;
    this.generation++;
    this.cached = null;
    this.markerIndex.reset();
    this.lastWall = null;
    this.publish(
      { event: time === 0 ? 0 : run.eventCountAt(time), time },
      {
        scenario: run.scenario,
        generation: this.generation,
        playing,
        stop: null,
        selection: null,
        effectiveSpeed: 0,
      },
    );
  }

  /** Computes the run ahead of the cursor by up to `count` events (the cursor does not move). */
  computeAhead(count: number): number {
    const done = this.run.extendBy(count);
    this.refresh();
    return done;
  }
}
