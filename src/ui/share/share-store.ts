/** State of sharing: the last import problem, a read-only trace being replayed, recent scenarios. */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { session } from '../controller.ts';
import { appStore, withNotice } from '../store.ts';
import { closeTour } from '../tours/tour-store.ts';
import { importBytesMax, importText, clip, type ImportedTrace } from './import-export.ts';
import { clearRecent, loadRecent, type RecentEntry } from './recent.ts';

export interface ShareState {
  readonly importProblem: string | null;
  readonly trace: ImportedTrace | null;
  /** Bumped per imported trace (the replay starts afresh). */
  readonly traceSerial: number;
  readonly recent: readonly RecentEntry[];
}

export const shareStore = createStore<ShareState>()(() => ({
  importProblem: null,
  trace: null,
  traceSerial: 0,
  recent: [],
}));

export function useShare<T>(selector: (state: ShareState) => T): T {
  return useStore(shareStore, selector);
}

export function reloadRecent(): void {
  shareStore.setState({ recent: loadRecent() });
}

export function clearRecentScenarios(): void {
  clearRecent();
  shareStore.setState({ recent: [] });
}

/** Reads a file chosen or dropped by the person: size first, then JSON, then the schema. */
export async function importFile(file: File): Promise<void> {
  // A file name is input too: quoted short, never whole.
  const name = clip(file.name, 80);
  if (file.size > importBytesMax) {
    shareStore.setState({
      importProblem: `${name}: the file is ${file.size} bytes, the limit is ${importBytesMax}`,
    });
    return;
  }
  let text: string;
  try {
    text = await file.text();
  } catch {
    shareStore.setState({ importProblem: `${name}: the file could not be read` });
    return;
  }
  importFromText(name, text, file.size);
}

/** `bytes`: the file's size when known; otherwise the text's UTF-8 length is measured. */
export function importFromText(name: string, text: string, bytes?: number): void {
  const result = importText(text, bytes);
  if (!result.ok) {
    shareStore.setState({ importProblem: `${name}: ${result.problem}` });
    return;
  }
  shareStore.setState({ importProblem: null });
  closeTour();
  if (result.kind === 'trace' && result.scenario === null) {
    session().pause();
    shareStore.setState((state) => ({ trace: result.trace, traceSerial: state.traceSerial + 1 }));
    return;
  }
  const scenario = result.scenario!;
  // Loaded to be checked: it keeps its end.
  session().newRun(scenario, false, false);
  appStore().setState((state) =>
    withNotice(
      state,
      'info',
      result.kind === 'trace'
        ? `Loaded ${name}: a simulator trace, re-run from its scenario.`
        : `Loaded scenario ${name}.`,
    ),
  );
}

export function closeTrace(): void {
  shareStore.setState({ trace: null });
}
