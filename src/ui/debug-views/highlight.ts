/** What the violation explorer asks the other debugging views to highlight (replicas and ops). */
import { create } from 'zustand';

export interface Highlight {
  readonly replicas: readonly number[];
  readonly ops: readonly number[];
}

export const useHighlight = create<Highlight>()(() => ({ replicas: [], ops: [] }));
