/**
 * "Find a bug": fuzzes swarm scenarios in Web Workers (one per core, up to eight), with seeds per
 * second and a stop button; a failure opens as the current run. With no mutation it should find
 * nothing; with a mutation it finds a counterexample.
 */
import { useEffect, useRef, useState } from 'react';
import { mutations, type Mutation } from '../../protocol/index.ts';
import type { Scenario } from '../../sim/scenario-types.ts';
import type { Violation } from '../../sim/trace.ts';
import { session } from '../controller.ts';
import { formatTime, plural } from '../format.ts';
import { mutationLabel, whereShown } from './rules.ts';
import { checkFuzzReply, type FuzzJob } from './worker-messages.ts';

interface Found {
  readonly seed: number;
  readonly scenario: Scenario;
  readonly violation: Violation;
}

export function FuzzPanel() {
  const [mutation, setMutation] = useState<Mutation>('none');
  const [running, setRunning] = useState(false);
  const [seeds, setSeeds] = useState(0);
  const [rate, setRate] = useState(0);
  const [found, setFound] = useState<Found | null>(null);
  const [workerCount, setWorkerCount] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const workers = useRef<Worker[]>([]);
  const started = useRef(0);
  const total = useRef(0);
  const stop = () => {
    for (const w of workers.current) w.terminate();
    workers.current = [];
    setRunning(false);
  };
  useEffect(() => {
    const list = workers;
    return () => {
      for (const w of list.current) w.terminate();
    };
  }, []);
  const start = () => {
    stop();
    const count = Math.max(1, Math.min(8, (navigator.hardwareConcurrency || 2) - 1));
    const first = Math.floor(Math.random() * 1_000_000_000);
    started.current = performance.now();
    total.current = 0;
    setSeeds(0);
    setRate(0);
    setFound(null);
    setProblem(null);
    setRunning(true);
    setWorkerCount(count);
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./fuzz-worker.ts', import.meta.url), { type: 'module' });
      worker.addEventListener('message', (event: MessageEvent<unknown>) => {
        const checked = checkFuzzReply(event.data);
        if (!checked.ok) {
          setProblem(`a fuzzing worker sent an unreadable reply (${checked.problem})`);
          stop();
          return;
        }
        const reply = checked.value;
        if (reply.kind === 'progress') {
          total.current += reply.done;
          setSeeds(total.current);
          setRate(total.current / ((performance.now() - started.current) / 1000));
        } else {
          setFound({ seed: reply.seed, scenario: reply.scenario, violation: reply.violation });
          stop();
        }
      });
      worker.addEventListener('error', (event) => {
        setProblem(event.message || 'a fuzzing worker failed');
        stop();
      });
      const job: FuzzJob = { start: first + i, stride: count, mutation };
      // oxlint-disable-next-line unicorn/require-post-message-target-origin -- a worker has no origin
      worker.postMessage(job);
      workers.current.push(worker);
    }
  };
  return (
    <section className="debug-panel" aria-label="Find a bug">
      <h2>Find a bug</h2>
      <p>
        Runs random fault scenarios with every checker in Web Workers.{' '}
        <label
          className="inline"
          title="Break one rule of the protocol on purpose, to watch the checkers catch it."
        >
          Mutation{' '}
          <select
            value={mutation}
            onChange={(e) => setMutation(e.target.value as Mutation)}
            disabled={running}
          >
            {mutations.map((m) => (
              <option key={m} value={m}>
                {mutationLabel(m)}
              </option>
            ))}
          </select>
        </label>{' '}
        {running ? (
          <button type="button" onClick={stop} title="Stop the workers.">
            Stop fuzzing
          </button>
        ) : (
          <button
            type="button"
            onClick={start}
            title="Run one swarm scenario per seed in Web Workers until a checker objects."
          >
            Start fuzzing
          </button>
        )}
      </p>
      <p role="status">
        {`${plural(seeds, 'seed')} checked, ${rate.toFixed(1)} seeds/s${running ? `, ${plural(workerCount, 'worker')}` : ''}`}
        {found === null ? (seeds > 0 && !running ? '; no failure found.' : '') : ''}
      </p>
      {problem !== null ? <p role="alert">Fuzzing stopped: {problem}</p> : null}
      {found !== null ? <FoundFailure found={found} /> : null}
    </section>
  );
}

function FoundFailure({ found }: { readonly found: Found }) {
  const { checker, message, time } = found.violation;
  const note = whereShown(checker);
  // A safety violation halts the opened run where it happens; a liveness one is shown at its moment.
  const at = checker === 'liveness' ? time : found.scenario.until;
  return (
    <div>
      <p>
        {`Seed ${found.seed} fails the ${checker} checker at ${formatTime(time)}: ${message} `}
        <button
          type="button"
          onClick={() => {
            session().newRun(found.scenario, false, false);
            session().goToTime(at);
          }}
        >
          Open the failing scenario
        </button>
      </p>
      {note === null ? null : <p className="note">{note}</p>}
    </div>
  );
}
