/**
 * Fault and workload controls: partition presets and heal, cutting a link by hand, a client request
 * form, and the network's latency, drop and duplicate rates. Every form validates before acting;
 * every action lands at the cursor.
 */
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { NodeId } from '../../protocol/index.ts';
import { latencyMsMax } from '../../scenario/schema.ts';
import { session } from '../controller.ts';
import { workloadOnAt } from '../workload.ts';
import { clusterPrimary } from '../frame.ts';
import { appStore, useApp, withNotice } from '../store.ts';
import { commandFields, commandsOf, latencyProblem, requestOp } from '../validate.ts';

export function Controls() {
  return (
    <section className="controls" aria-label="Faults and requests">
      <h2>Break things</h2>
      <PartitionControls />
      <LinkForm />
      <RequestForm />
      <NetworkForm />
    </section>
  );
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function PartitionControls() {
  const replicaCount = useApp((s) => s.scenario.replicas);
  const primary = useApp((s) => clusterPrimary(s.panelFrame?.replicas ?? []));
  const partitioned = useApp(
    (s) => (s.panelFrame?.network.groups ?? null) !== null || (s.panelFrame?.network.cuts.length ?? 0) > 0,
  );
  const f = (replicaCount - 1) >> 1;
  const leader = primary ?? 0;
  const isolatePrimary = () => {
    const others = range(replicaCount).filter((r) => r !== leader);
    session().act({ type: 'partition', groups: [[leader], others] });
  };
  const split = () => {
    // The primary with f - 1 others: a minority that cannot commit; the majority elects a new primary.
    const minority = range(f).map((i) => (leader + i) % replicaCount);
    const majority = range(replicaCount).filter((r) => !minority.includes(r));
    session().act({ type: 'partition', groups: [minority, majority] });
  };
  return (
    <fieldset>
      <legend>Partitions</legend>
      <div className="row wrap">
        <button
          type="button"
          disabled={replicaCount < 2}
          onClick={isolatePrimary}
          title="Cut the current primary off from every other replica."
        >
          Isolate primary
        </button>
        <button
          type="button"
          disabled={replicaCount < 3}
          onClick={split}
          title="Split the replicas into a minority holding the primary and a majority without it."
        >
          Minority / majority split
        </button>
        <button
          type="button"
          disabled={!partitioned}
          onClick={() => session().act({ type: 'heal' })}
          title="Remove every partition and cut link."
        >
          Heal all
        </button>
      </div>
    </fieldset>
  );
}

function nodeOptions(replicas: number, clients: number): { value: string; label: string }[] {
  return [
    ...range(replicas).map((r) => ({ value: String(r), label: `replica ${r}` })),
    ...range(clients).map((c) => ({ value: `c${c}`, label: `client c${c}` })),
  ];
}

function parseNode(value: string): NodeId {
  return value.startsWith('c') ? value : Number(value);
}

function LinkForm() {
  const { replicas, clients } = useApp(
    useShallow((s) => ({ replicas: s.scenario.replicas, clients: s.scenario.clients })),
  );
  const [from, setFrom] = useState('0');
  const [to, setTo] = useState('1');
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const options = nodeOptions(replicas, clients);
  const submit = (type: 'cut' | 'mend') => {
    const known = new Set(options.map((o) => o.value));
    if (!known.has(from) || !known.has(to)) return setError('Pick two nodes of this run.');
    if (from === to) return setError('A link joins two different nodes.');
    if (from.startsWith('c') && to.startsWith('c')) return setError('Clients only talk to replicas.');
    setError(null);
    session().act({ type, from: parseNode(from), to: parseNode(to) });
  };
  return (
    <fieldset>
      <legend>One-way link</legend>
      <div className="row wrap">
        <label title="The sending end of the link.">
          From
          <select
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            aria-describedby={error ? errorId : undefined}
          >
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label title="The receiving end of the link.">
          To
          <select
            value={to}
            onChange={(e) => setTo(e.target.value)}
            aria-describedby={error ? errorId : undefined}
          >
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => submit('cut')}
          title="Lose everything sent from From to To, until mended (a one-way cut)."
        >
          Cut link
        </button>
        <button
          type="button"
          onClick={() => submit('mend')}
          title="Let messages from From to To through again."
        >
          Mend link
        </button>
      </div>
      {error !== null ? (
        <p className="error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

function RequestForm() {
  const { clients, stateMachine } = useApp(
    useShallow((s) => ({ clients: s.scenario.clients, stateMachine: s.scenario.stateMachine })),
  );
  const commands = commandsOf(stateMachine);
  const [client, setClient] = useState('0');
  const [command, setCommand] = useState<string>(commands[0]);
  const [key, setKey] = useState('x');
  const [value, setValue] = useState('1');
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const effectiveCommand = commands.includes(command) ? command : commands[0];
  const fields = commandFields(stateMachine, effectiveCommand);
  const needsKey = fields.key;
  const needsValue = fields.value;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const index = Number(client);
    const checked = requestOp(stateMachine, clients, index, effectiveCommand, key, value);
    if ('error' in checked) return setError(checked.error);
    setError(null);
    if (session().act({ type: 'request', client: index, op: checked.op }))
      appStore().setState((s) => withNotice(s, 'info', `Client c${index} sends '${checked.op}'.`));
  };
  return (
    <form onSubmit={submit} noValidate>
      <fieldset>
        <legend>Client request</legend>
        <div className="row wrap">
          <label title="The client that sends the request.">
            Client
            <select value={client} onChange={(e) => setClient(e.target.value)} disabled={clients === 0}>
              {range(clients).map((c) => (
                <option key={c} value={String(c)}>{`c${c}`}</option>
              ))}
            </select>
          </label>
          <label title="The operation the client asks the replicated state machine to run.">
            Command
            <select value={effectiveCommand} onChange={(e) => setCommand(e.target.value)}>
              {commands.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          {needsKey ? (
            <label
              title={
                stateMachine === 'kv' ? 'The key the operation reads or writes.' : 'The position in the log.'
              }
            >
              {stateMachine === 'kv' ? 'Key' : 'Position'}
              <input
                value={key}
                size={6}
                onChange={(e) => setKey(e.target.value)}
                aria-invalid={error !== null && key.trim() === ''}
                aria-describedby={error ? errorId : undefined}
              />
            </label>
          ) : null}
          {needsValue ? (
            <label title="The value written.">
              Value
              <input
                value={value}
                size={6}
                onChange={(e) => setValue(e.target.value)}
                aria-describedby={error ? errorId : undefined}
              />
            </label>
          ) : null}
          <button type="submit" title="The client sends this request to the primary it believes in (§4.1).">
            Send request
          </button>
        </div>
        {error !== null ? (
          <p className="error" id={errorId} role="alert">
            {error}
          </p>
        ) : null}
        <WorkloadToggle />
      </fieldset>
    </form>
  );
}

/** Requests per client when a person switches the steady workload on: "until switched off". */
const steadyRequests = 1_000_000;

/** Switches the seeded random workload on or off from the cursor on (a `workload` action). */
function WorkloadToggle() {
  const scenario = useApp((s) => s.scenario);
  // The selector runs on every store update (every frame): it looks at the workload switches only.
  const switches = useMemo(
    () => ({ ...scenario, actions: scenario.actions.filter((action) => action.type === 'workload') }),
    [scenario],
  );
  const on = useApp((s) => workloadOnAt(switches, s.cursor.time));
  const clients = useApp((s) => s.scenario.clients);
  return (
    <div className="row wrap">
      <button
        type="button"
        aria-pressed={on}
        disabled={clients === 0}
        onClick={() => session().act({ type: 'workload', requestsPerClient: on ? 0 : steadyRequests })}
        title="Every client sends random requests (from the seed), one at a time, a few ms after each reply. Becomes a scenario action at the cursor."
      >
        {on ? 'Stop steady workload' : 'Start steady workload'}
      </button>
      <span className="muted">{on ? 'clients are sending random requests' : 'no random workload'}</span>
    </div>
  );
}

function NetworkForm() {
  const params = useApp((s) => s.panelFrame?.network.params ?? s.scenario.network);
  const [draft, setDraft] = useState<{ min: string; max: string; drop: number; duplicate: number } | null>(
    null,
  );
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const current = draft ?? {
    min: String(params.latencyMs[0]),
    max: String(params.latencyMs[1]),
    drop: params.dropRate,
    duplicate: params.duplicateRate,
  };
  const update = (patch: Partial<typeof current>) => setDraft({ ...current, ...patch });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = latencyProblem(current.min, current.max);
    if (problem !== null) return setError(problem);
    const min = Number(current.min);
    const max = Number(current.max);
    setError(null);
    setDraft(null);
    session().act({
      type: 'network',
      latencyMs: [min, max],
      dropRate: current.drop,
      duplicateRate: current.duplicate,
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <fieldset>
        <legend>Network</legend>
        <div className="row wrap">
          <label title="The shortest a message takes on a link.">
            Latency min (ms)
            <input
              type="number"
              min={1}
              max={latencyMsMax}
              value={current.min}
              onChange={(e) => update({ min: e.target.value })}
              aria-describedby={error ? errorId : undefined}
            />
          </label>
          <label title="The longest a message takes on a link (each message draws between min and max).">
            Latency max (ms)
            <input
              type="number"
              min={1}
              max={latencyMsMax}
              value={current.max}
              onChange={(e) => update({ max: e.target.value })}
              aria-describedby={error ? errorId : undefined}
            />
          </label>
        </div>
        <div className="row wrap">
          <label className="slider" title="The share of messages the network loses.">
            Drop rate
            <input
              type="range"
              min={0}
              max={0.5}
              step={0.01}
              value={current.drop}
              onChange={(e) => update({ drop: Number(e.target.value) })}
              aria-valuetext={`${Math.round(current.drop * 100)} percent`}
            />
            <output>{`${Math.round(current.drop * 100)}%`}</output>
          </label>
          <label className="slider" title="The share of messages the network delivers twice.">
            Duplicate rate
            <input
              type="range"
              min={0}
              max={0.5}
              step={0.01}
              value={current.duplicate}
              onChange={(e) => update({ duplicate: Number(e.target.value) })}
              aria-valuetext={`${Math.round(current.duplicate * 100)} percent`}
            />
            <output>{`${Math.round(current.duplicate * 100)}%`}</output>
          </label>
          <button
            type="submit"
            disabled={draft === null}
            title="Change latency, drop and duplicate rates from this moment on (an action of the scenario)."
          >
            Apply network settings
          </button>
        </div>
        {error !== null ? (
          <p className="error" id={errorId} role="alert">
            {error}
          </p>
        ) : null}
      </fieldset>
    </form>
  );
}
