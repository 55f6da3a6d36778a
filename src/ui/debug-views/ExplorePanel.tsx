/**
 * "Explore from here": bounded model checking from the state on screen (src/explore) in Web
 * Workers. The person sets the depth and the crashes; the page shows the states found, the distinct
 * ones, the depth, states per second and the frontier, and can stop. A counterexample opens as a
 * scenario to step through: the run up to the cursor, then the choices that break a rule.
 */
import { useEffect, useRef, useState } from 'react';
import { describeResult, type ExploreProgress, type ExploreResult } from '../../explore/coordinator.ts';
import { exploreCrashesMax, type ExploreJob, type ExploreNetwork } from '../../explore/state-space.ts';
import { openAsBranch } from '../branches/branch-store.ts';
import { formatTime } from '../format.ts';
import { useApp } from '../store.ts';
import { exploreWorkerCount, jobAt, startExploration, type Exploration } from './explore-run.ts';
import { whereShown } from './rules.ts';

/** Deeper than this takes minutes in a page. */
const depthMaxInPage = 16;

interface Shown {
  readonly progress: ExploreProgress | null;
  readonly expandedThisLevel: number;
  readonly rate: number;
}

export function ExplorePanel() {
  const scenario = useApp((s) => s.scenario);
  const time = useApp((s) => s.cursor.time);
  const [depth, setDepth] = useState(6);
  const [crashes, setCrashes] = useState(1);
  const [network, setNetwork] = useState<ExploreNetwork>('exact');
  const [running, setRunning] = useState(false);
  const [shown, setShown] = useState<Shown>({ progress: null, expandedThisLevel: 0, rate: 0 });
  const [result, setResult] = useState<{ result: ExploreResult; job: ExploreJob } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const exploration = useRef<Exploration | null>(null);
  useEffect(() => () => exploration.current?.stop(), []);
  const start = () => {
    const job = jobAt(scenario, time, depth, crashes, network);
    const workers = exploreWorkerCount(navigator.hardwareConcurrency || 2);
    const started = performance.now();
    let expanded = 0;
    setResult(null);
    setProblem(null);
    setRunning(true);
    setShown({ progress: null, expandedThisLevel: 0, rate: 0 });
    const current = startExploration(
      job,
      workers,
      (progress) => {
        expanded = 0;
        const seconds = Math.max(1e-3, progress.elapsedMs / 1000);
        setShown({ progress, expandedThisLevel: 0, rate: progress.generated / seconds });
      },
      (count) => {
        expanded += count;
        setShown((before) => ({ ...before, expandedThisLevel: expanded }));
      },
      (reason) => setProblem(reason),
    );
    exploration.current = current;
    current.done.then(
      (outcome) => {
        const seconds = Math.max(1e-3, (performance.now() - started) / 1000);
        setShown((before) => ({ ...before, rate: outcome.generated / seconds }));
        setResult({ result: outcome, job });
        setRunning(false);
      },
      (error: unknown) => {
        setProblem(error instanceof Error ? error.message : String(error));
        setRunning(false);
      },
    );
  };
  const progress = shown.progress;
  return (
    <section className="debug-panel" aria-label="Explore from here">
      <h2>Explore from here</h2>
      <p>
        {`Tries every choice of the network from ${formatTime(Math.floor(time))}: each delivery order of the messages in flight, dropping or duplicating any one, firing any pending timer, up to k crashes and restarts, up to d choices deep. Every state is checked by the safety checkers.`}
      </p>
      <p>
        <label className="inline">
          Depth d{' '}
          <input
            type="number"
            min={1}
            max={depthMaxInPage}
            value={depth}
            disabled={running}
            onChange={(e) => setDepth(clamp(e.target.valueAsNumber, 1, depthMaxInPage, depth))}
          />
        </label>{' '}
        <label className="inline">
          Crashes k{' '}
          <input
            type="number"
            min={0}
            max={exploreCrashesMax}
            value={crashes}
            disabled={running}
            onChange={(e) => setCrashes(clamp(e.target.valueAsNumber, 0, exploreCrashesMax, crashes))}
          />
        </label>{' '}
        <label className="inline">
          Network{' '}
          <select
            value={network}
            disabled={running}
            onChange={(e) => setNetwork(e.target.value as ExploreNetwork)}
          >
            <option value="exact">exact: deliver, drop or duplicate</option>
            <option value="set">set: every message stays available</option>
          </select>
        </label>{' '}
        {running ? (
          <button type="button" onClick={() => exploration.current?.stop()}>
            Stop exploring
          </button>
        ) : (
          <button type="button" onClick={start}>
            Explore from here
          </button>
        )}
      </p>
      {progress !== null || running ? (
        <p>
          <progress
            aria-label="Depth explored"
            max={depth}
            value={progress === null ? 0 : Math.min(depth, progress.depth)}
          />{' '}
          <span role="status" aria-label="Exploration progress">
            {progress === null
              ? 'starting the workers…'
              : `${progress.generated.toLocaleString('en-US')} states found, ${progress.unique.toLocaleString('en-US')} unique, depth ${progress.depth} of ${depth}, ${Math.round(shown.rate).toLocaleString('en-US')} states/s, frontier ${progress.frontier.toLocaleString('en-US')}${running ? `, ${shown.expandedThisLevel.toLocaleString('en-US')} expanded at this depth` : ''}`}
          </span>
        </p>
      ) : null}
      {problem !== null ? <p role="alert">Exploring stopped: {problem}</p> : null}
      {result !== null ? <ExploreOutcome result={result.result} job={result.job} /> : null}
    </section>
  );
}

function clamp(value: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

function ExploreOutcome({ result, job }: { readonly result: ExploreResult; readonly job: ExploreJob }) {
  const counterexample = result.counterexample;
  const sentence = describeResult(result, job);
  if (counterexample === null) return <p aria-label="Exploration result">{sentence}</p>;
  const note = whereShown(counterexample.violation.checker);
  return (
    <div>
      <p aria-label="Exploration result">
        {`${sentence} `}
        <button
          type="button"
          onClick={() =>
            openAsBranch(
              counterexample.scenario,
              job.at,
              `explored: ${counterexample.violation.checker} in ${counterexample.length} choices at ${formatTime(job.at)}`,
              counterexample.scenario.until,
            )
          }
        >
          Open the counterexample
        </button>
      </p>
      {note === null ? null : <p className="note">{note}</p>}
    </div>
  );
}
