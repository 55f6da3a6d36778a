/** The debugging views under the cluster view: violation explorer, space-time diagram, linearizability. */
// oxlint-disable-next-line import/no-unassigned-import -- the stylesheet is imported for its side effect
import './debug-views.css';
import { BranchesPanel } from '../branches/BranchesPanel.tsx';
import { FuzzPanel } from './FuzzPanel.tsx';
import { LinearizabilityView } from './LinearizabilityView.tsx';
import { SpaceTimeDiagram } from './SpaceTime.tsx';
import { StateDiff } from './StateDiff.tsx';
import { ViolationPanel } from './ViolationPanel.tsx';

export function DebugViews() {
  return (
    <section className="debug-views" aria-label="Debugging views">
      <ViolationPanel />
      <SpaceTimeDiagram />
      <LinearizabilityView />
      <StateDiff />
      <FuzzPanel />
      <BranchesPanel />
    </section>
  );
}
