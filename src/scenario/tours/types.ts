/**
 * Guided tours: a scenario plus narrated steps. Each step pauses the run at a virtual time, points at
 * what to look at (highlights), explains it in plain words with the paper's section, and states the
 * facts that must be on screen at that moment (expectations). The tests check every expectation
 * against the simulated world, so a tour cannot drift from what the simulator actually shows.
 */
import type {
  ClientId,
  MessageType,
  Mutation,
  NodeId,
  Note,
  RecoveryMode,
  RecoveryPhase,
  ReplicaStatus,
  ReplicaTimer,
} from '../../protocol/index.ts';
import type { Action, Scenario } from '../../sim/scenario-types.ts';

/** The replica counters a step can point at (the cluster view shows each one). */
export type Counter = 'view' | 'status' | 'op' | 'commit' | 'quorum' | 'client-table' | 'nonce';

export const counters: readonly Counter[] = [
  'view',
  'status',
  'op',
  'commit',
  'quorum',
  'client-table',
  'nonce',
];

/** What a step points at. A message highlight means the messages of that type (and link) in flight. */
export type Highlight =
  | { readonly kind: 'replica'; readonly replica: number }
  | { readonly kind: 'message'; readonly type: MessageType; readonly from?: NodeId; readonly to?: NodeId }
  /** Op-number `op` (1-based) in the replica's log. */
  | { readonly kind: 'log-cell'; readonly replica: number; readonly op: number }
  | { readonly kind: 'counter'; readonly replica: number; readonly counter: Counter };

/**
 * Facts about one replica; every field given must hold. A crashed replica satisfies only
 * `crashed: true` (and fails every other field).
 */
export interface ReplicaExpectation {
  readonly replica: number;
  readonly crashed?: boolean;
  readonly status?: ReplicaStatus;
  readonly view?: number;
  /** The paper's v': the latest view in which it was normal. */
  readonly lastNormalView?: number;
  readonly isPrimary?: boolean;
  /** Its op-number: the length of its log. */
  readonly opNumber?: number;
  readonly commit?: number;
  readonly commitAtLeast?: number;
  /** It holds op-number `logOp`; with `op`, that entry is this operation. */
  readonly logOp?: number;
  readonly op?: string;
  /** StartViewChange messages counted from other replicas for its current view change. */
  readonly startViewChanges?: number;
  /** DoViewChange messages the new primary holds (its own among them). */
  readonly doViewChanges?: number;
  /** Recovery responses it holds for its current nonce. */
  readonly recoveryResponses?: number;
  /** Its client table has this row: the latest executed request of the client (and its cached result). */
  readonly clientTable?: { readonly client: ClientId; readonly request: number; readonly result?: string };
  /** Its state machine (a key-value store) maps `key` to `value` (a missing key reads as ""). */
  readonly key?: string;
  readonly value?: string;
  /** Paused by a `pause` action: it keeps its state but reads nothing and fires no timer. */
  readonly paused?: boolean;
  /** At least this many messages reached it while it was paused and wait to be read. */
  readonly queuedAtLeast?: number;
  /** This timer has fallen due without firing (what a paused replica's timers do). */
  readonly overdue?: ReplicaTimer;
  /** It is asking the others with pre_view_change whether they lost the primary too. */
  readonly asking?: boolean;
  /** pre_view_change_ok answers it holds while asking. */
  readonly preViewChangeOks?: number;
  /** Its incarnation: how many times it recovered with crash vectors (0 before the first). */
  readonly incarnation?: number;
  /** Its crash vector: the latest incarnation it knows of each replica, in replica order. */
  readonly crashVector?: readonly number[];
  /** Its recovery nonce, in hexadecimal as the cards and captions show it. */
  readonly nonce?: string;
  /** While recovering: learning the crash vector first (crash vectors only), or asking for the state. */
  readonly recoveryPhase?: RecoveryPhase;
  /** crash_vector_response messages it holds for its current recovery. */
  readonly crashVectorResponses?: number;
}

/** At least `atLeast` (default 1), or exactly `count`, messages of this type are in flight on the given link. */
export interface InFlightExpectation {
  readonly inFlight: MessageType;
  readonly from?: NodeId;
  readonly to?: NodeId;
  /** The view the messages carry. */
  readonly view?: number;
  /** The op-number the messages carry (prepare, prepare_ok, start_view, do_view_change ...). */
  readonly opNumber?: number;
  /** Text the message's caption contains, as the event log shows it ("last normal view 0"). */
  readonly caption?: string;
  /** true: only messages the network will lose; false (the default): only messages that will arrive. */
  readonly lost?: boolean;
  readonly atLeast?: number;
  /** Exactly this many (0: none of them in flight), instead of at least. */
  readonly count?: number;
}

/** A checker rule (a violation's `checker`, e.g. 'agreement', 'no-lost-commit') has objected by now. */
export interface ViolationExpectation {
  readonly violation: string;
}

/** No checker has objected so far. */
export interface NoViolationExpectation {
  readonly noViolation: true;
}

/**
 * Node `by` wrote a line of this kind in the event log (an ignored message and why, a question
 * before a view change, an incarnation learned ...) at or after `since` ms (from the start when not
 * given) and by the step's moment; with `caption`, a line whose caption contains that text.
 */
export interface NoteExpectation {
  readonly note: Note['kind'];
  readonly by: NodeId;
  readonly caption?: string;
  readonly since?: number;
  /** Only lines written on receiving a message of this type. */
  readonly on?: MessageType;
  /** Exactly this many such lines (0: none), instead of at least one. */
  readonly count?: number;
}

/** The client has had at least `atLeast` (default 1) of its requests answered. */
export interface ClientCompletedExpectation {
  readonly clientCompleted: ClientId;
  readonly atLeast?: number;
  /** Exactly this many answered (instead of at least). */
  readonly exactly?: number;
}

/** The client waits for the reply to a request (this one, when given). */
export interface ClientPendingExpectation {
  readonly clientPending: ClientId;
  readonly request?: number;
}

export type Expectation =
  | ReplicaExpectation
  | InFlightExpectation
  | ViolationExpectation
  | NoViolationExpectation
  | NoteExpectation
  | ClientCompletedExpectation
  | ClientPendingExpectation;

export interface TourStep {
  /** Virtual ms where the run pauses: every event at or before it has happened. */
  readonly at: number;
  readonly title: string;
  /** Two or three sentences in plain words. */
  readonly text: string;
  /** The section of VR Revisited this step is about, like "§4.2". */
  readonly section: string;
  readonly highlight: readonly Highlight[];
  /** What is on screen at `at`; the tests check each one. */
  readonly expect: readonly Expectation[];
  /**
   * The protocol variant this step is shown on, when it differs from the tour's scenario (a tour on
   * the correct protocol shows the moment a rule is switched off, or a challenge shows the fix).
   * The same scenario, same seed and actions: only `mutation` changes. See stepScenario().
   */
  readonly mutation?: Mutation;
  /**
   * The recovery this step is shown on, when it differs from the tour's scenario: a tour on crash
   * vectors shows the paper's §4.3 as written on some steps (or the other way round). Like
   * `mutation`, only this field of the scenario changes, so a tour can tell a story once with one
   * setting and replay it with the other: the steps of each variant go forward in time on their
   * own run, and the app loads a variant's run when a step needs it (stepScenario()).
   */
  readonly recovery?: RecoveryMode;
}

/** What the tests do with the "try it yourself" suggestion: take these actions and check the outcome. */
export interface TryItCheck {
  /** Actions taken from the last step (each `at` no earlier than the last step's `at`). */
  readonly actions: readonly Action[];
  /** When the outcome is on screen. */
  readonly at: number;
  readonly expect: readonly Expectation[];
}

export interface Tour {
  /** URL-safe slug, unique: the tour's link is built from it. */
  readonly id: string;
  readonly title: string;
  /** One or two sentences for the gallery. */
  readonly summary: string;
  readonly scenario: Scenario;
  readonly steps: readonly TourStep[];
  /** A suggestion from the last step: what to do and what to watch. */
  readonly tryIt: string;
  /** How the tests prove the suggestion does what it says (the UI does not need it). */
  readonly tryItCheck?: TryItCheck;
  /**
   * The rule this tour is about switching off. A "break a rule" challenge runs its scenario with this
   * mutation; another tour may show it on some steps (their `mutation`).
   */
  readonly mutation?: Exclude<Mutation, 'none'>;
  /** For a challenge: the checker rule that catches the damage (a violation's `checker`). */
  readonly caughtBy?: string;
}

/** Per tour, the variant of its scenario for each mutation and recovery its steps name (built once). */
const variants = new WeakMap<Tour, Map<string, Scenario>>();

/**
 * The scenario a step is shown on: the tour's, with the step's mutation and recovery when it names
 * them. The same object for every step of the same variant: the app keeps the run when it is
 * unchanged (by identity), and the verifier keys its runs by it.
 */
export function stepScenario(tour: Tour, step: TourStep): Scenario {
  const mutation = step.mutation ?? tour.scenario.mutation;
  const recovery = step.recovery ?? tour.scenario.recovery;
  if (mutation === tour.scenario.mutation && recovery === tour.scenario.recovery) return tour.scenario;
  let byVariant = variants.get(tour);
  if (byVariant === undefined) {
    byVariant = new Map();
    variants.set(tour, byVariant);
  }
  const key = `${mutation} ${recovery}`;
  let scenario = byVariant.get(key);
  if (scenario === undefined) {
    scenario = { ...tour.scenario, mutation, recovery };
    byVariant.set(key, scenario);
  }
  return scenario;
}

/** Whether a tour is a "break a rule" challenge: its own scenario runs with a mutation. */
export function isChallenge(tour: Tour): boolean {
  return tour.scenario.mutation !== 'none';
}
