/**
 * Modal dialogs: keyboard shortcuts (with what each message type means) and run settings.
 * Native <dialog> gives focus trapping, Escape and the backdrop for free.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import {
  clientsMax,
  messageTypes,
  mutationDescriptions,
  mutations,
  recoveryModes,
  replicasMax,
  stateMachineKinds,
  type Mutation,
  type RecoveryMode,
  type StateMachineKind,
} from '../../protocol/index.ts';
import { parseScenario, ScenarioError } from '../../scenario/schema.ts';
import { session } from '../controller.ts';
import { messageStyles } from '../palette.ts';
import { appStore, useApp } from '../store.ts';
import { settingsProblem, type SettingsDraft } from '../validate.ts';

function Modal({
  open,
  onClose,
  title,
  children,
}: {
  readonly open: boolean;
  readonly onClose: () => void;
  readonly title: string;
  readonly children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  // The run waits while a dialog covers it and goes on when it closes, unless the dialog replaced
  // the run (a new run decides for itself whether it plays).
  useEffect(() => {
    const before = appStore().getState();
    if (!open || !before.playing) return;
    session().pause();
    return () => {
      const after = appStore().getState();
      if (!after.playing && after.generation === before.generation) session().play();
    };
  }, [open]);
  return (
    <dialog ref={ref} className="modal" aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      {open ? (
        <>
          <header className="panel-head">
            <h2 id={titleId}>{title}</h2>
            <button
              type="button"
              className="ghost"
              onClick={onClose}
              aria-label={`Close ${title.toLowerCase()}`}
            >
              ✕
            </button>
          </header>
          {children}
        </>
      ) : null}
    </dialog>
  );
}

export const shortcuts: readonly (readonly [string, string])[] = [
  ['Space', 'play or pause, wherever the focus is (Enter presses a focused button)'],
  ['→', 'step one event forward'],
  ['←', 'step one event back'],
  ['Shift + →', 'jump to the next notable event'],
  ['Shift + ←', 'jump to the previous notable event'],
  ['V / Shift + V', 'next / previous view change'],
  ['C / Shift + C', 'next / previous crash or restart'],
  ['X / Shift + X', 'next / previous violation'],
  ['L / Shift + L', 'next / previous lost message'],
  ['O / Shift + O', 'next / previous commit'],
  ['N / Shift + N', 'next / previous match of the event log search'],
  [']', 'faster'],
  ['[', 'slower'],
  ['Home', 'go to the start of the run'],
  ['End', 'go to the end of what is computed'],
  ['?', 'show this help'],
  ['Escape', 'close a dialog, clear the selection'],
];

export function HelpDialog() {
  const open = useApp((s) => s.helpOpen);
  const close = () => appStore().setState({ helpOpen: false });
  return (
    <Modal open={open} onClose={close} title="Keyboard shortcuts">
      <table className="shortcuts">
        <tbody>
          {shortcuts.map(([key, what]) => (
            <tr key={key}>
              <th scope="row">
                <kbd>{key}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>What you are looking at</h3>
      <p>
        Viewstamped Replication (Liskov &amp; Cowling, 2012) runs in this page over a simulated network. The
        primary orders client requests and commits each once f+1 replicas hold it; when backups stop hearing
        from the primary they agree on the next view and its primary. Everything is deterministic: the seed
        and your actions define the run, and you can travel back in time. Acting in the past drops the future
        after that moment.
      </p>
      <h3>Messages</h3>
      <dl className="message-help">
        {messageTypes.map((type) => (
          <div key={type}>
            <dt>{type}</dt>
            <dd>{messageStyles[type].description}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}

export function SettingsDialog() {
  const open = useApp((s) => s.settingsOpen);
  const close = () => appStore().setState({ settingsOpen: false });
  return (
    <Modal open={open} onClose={close} title="Settings">
      <SettingsForm onDone={close} />
    </Modal>
  );
}

const recoveryLabels: Record<RecoveryMode, string> = {
  'crash-vectors': 'crash vectors (safe; the default)',
  paper: "the paper's (§4.3; can lose a write)",
};

function SettingsForm({ onDone }: { readonly onDone: () => void }) {
  const scenario = useApp((s) => s.scenario);
  const [draft, setDraft] = useState<{ -readonly [K in keyof SettingsDraft]: SettingsDraft[K] }>({
    replicas: String(scenario.replicas),
    clients: String(scenario.clients),
    seed: String(scenario.seed),
    stateMachine: scenario.stateMachine,
    workload: scenario.workload !== null && scenario.workload.requestsPerClient > 0,
    mutation: scenario.mutation,
    recovery: scenario.recovery,
  });
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const update = (patch: Partial<SettingsDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = settingsProblem(draft);
    if (problem !== null) return setError(problem);
    try {
      const next = parseScenario({
        version: 1,
        name: 'custom',
        seed: Number(draft.seed),
        replicas: Number(draft.replicas),
        clients: Number(draft.clients),
        stateMachine: draft.stateMachine,
        network: { ...scenario.network, latencyMs: [...scenario.network.latencyMs] },
        timing: scenario.timing,
        workload: draft.workload ? { requestsPerClient: 100_000, keys: scenario.workload?.keys ?? 4 } : null,
        mutation: draft.mutation,
        recovery: draft.recovery,
        until: scenario.until,
        actions: [],
      });
      setError(null);
      session().newRun(next, true);
      onDone();
    } catch (caught) {
      setError(caught instanceof ScenarioError ? caught.message : String(caught));
    }
  };
  const describedBy = error !== null ? errorId : undefined;
  return (
    <form className="settings" onSubmit={submit} noValidate>
      <label>
        Cluster size (replicas, odd, 1 to {replicasMax})
        <input
          type="number"
          min={1}
          max={replicasMax}
          step={2}
          value={draft.replicas}
          onChange={(e) => update({ replicas: e.target.value })}
          aria-describedby={describedBy}
          aria-invalid={error !== null && error.startsWith('Cluster')}
        />
      </label>
      <label>
        Clients (0 to {clientsMax})
        <input
          type="number"
          min={0}
          max={clientsMax}
          value={draft.clients}
          onChange={(e) => update({ clients: e.target.value })}
          aria-describedby={describedBy}
        />
      </label>
      <label>
        Seed
        <span className="row">
          <input
            type="number"
            min={0}
            value={draft.seed}
            onChange={(e) => update({ seed: e.target.value })}
            aria-describedby={describedBy}
          />
          <button
            type="button"
            onClick={() => update({ seed: String(Math.floor(Math.random() * 0xffffffff)) })}
          >
            Random seed
          </button>
        </span>
      </label>
      <label>
        State machine
        <select
          value={draft.stateMachine}
          onChange={(e) => update({ stateMachine: e.target.value as StateMachineKind })}
        >
          {stateMachineKinds.map((kind) => (
            <option key={kind} value={kind}>
              {kind === 'kv' ? 'key-value store (put, get, append)' : 'append-only log (append, read, len)'}
            </option>
          ))}
        </select>
      </label>
      <label>
        Protocol
        <select value={draft.mutation} onChange={(e) => update({ mutation: e.target.value as Mutation })}>
          {mutations.map((mutation) => (
            <option key={mutation} value={mutation}>
              {mutation === 'none' ? 'as the paper gives it' : `broken: ${mutation}`}
            </option>
          ))}
        </select>
      </label>
      <label>
        Recovery after a crash
        <select
          value={draft.recovery}
          onChange={(e) => update({ recovery: e.target.value as RecoveryMode })}
          title="The paper's recovery keeps nothing on disk and can lose an acknowledged write; crash vectors (Michael et al., DISC 2017) close that hole."
        >
          {recoveryModes.map((mode) => (
            <option key={mode} value={mode}>
              {recoveryLabels[mode]}
            </option>
          ))}
        </select>
      </label>
      {draft.recovery === 'paper' ? (
        <p className="muted">
          The paper&apos;s recovery: a replica that crashed forgets the view-change votes it sent, so a later
          view can start without an op it acknowledged. The tour &ldquo;The paper&apos;s recovery has a
          hole&rdquo; shows it.
        </p>
      ) : null}
      {draft.mutation !== 'none' ? (
        <p className="muted">{`This run breaks a rule on purpose: ${mutationDescriptions[draft.mutation]}. The checkers should catch the damage.`}</p>
      ) : null}
      <label className="inline">
        <input
          type="checkbox"
          checked={draft.workload}
          onChange={(e) => update({ workload: e.target.checked })}
        />
        Steady random workload from every client
      </label>
      {error !== null ? (
        <p className="error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary-action">
          New run
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
