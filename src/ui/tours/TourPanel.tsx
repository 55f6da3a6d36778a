/** The narration of the tour being walked: step text, the paper's section, highlights, navigation. */
import { useEffect } from 'react';
import { tourById, type Highlight } from '../../scenario/tours/index.ts';
import { setMessageHighlights } from '../message-highlight.ts';
import { showSide, togglePresenter, useWorkspace } from '../workspace.ts';
import { describeHighlight, highlightCss } from './highlight.ts';
// oxlint-disable-next-line import/no-unassigned-import -- the stylesheet is imported for its side effect
import './tours.css';
import { closeTour, nextStep, openGallery, previousStep, useTours } from './tour-store.ts';

/** Rings the messages a step points at in the cluster view, where they are; nothing scrolls. */
function useMessageHighlights(highlights: readonly Highlight[] | null): void {
  const key = JSON.stringify(highlights ?? []);
  useEffect(() => {
    const parsed = JSON.parse(key) as Highlight[];
    // What the step names on a card (a replica, a log cell, a counter) is outlined in the Replicas
    // tab: open it, so that the outline is in sight without scrolling anything.
    if (parsed.some((h) => h.kind !== 'message')) showSide('replicas');
    setMessageHighlights(
      parsed.flatMap((h) => (h.kind === 'message' ? [{ type: h.type, from: h.from, to: h.to }] : [])),
    );
    return () => setMessageHighlights([]);
  }, [key]);
}

export function TourPanel() {
  const active = useTours((s) => s.active);
  const tour = active === null ? undefined : tourById(active.id);
  const step = active === null || tour === undefined ? undefined : tour.steps[active.step];
  const presenter = useWorkspace((s) => s.presenter);
  useMessageHighlights(active === null || active.ended || step === undefined ? null : step.highlight);
  if (active === null || tour === undefined || step === undefined) return null;
  const last = active.step === tour.steps.length - 1;
  return (
    <section className="tour-panel" aria-label="Tour">
      {active.ended ? null : <style>{highlightCss(step.highlight)}</style>}
      <header className="panel-head">
        <h2>{tour.title}</h2>
        <span className="muted">
          {active.ended ? 'Tour finished' : `Step ${active.step + 1} of ${tour.steps.length}`}
        </span>
      </header>
      {active.ended ? (
        <div className="tour-body" aria-live="polite">
          <h3>Try it yourself</h3>
          <p>{tour.tryIt}</p>
          <p className="muted">The run is yours now: play it, crash replicas, send requests.</p>
        </div>
      ) : (
        <div className="tour-body" aria-live="polite">
          <h3>
            {step.title} <span className="section">{`(${step.section})`}</span>
          </h3>
          <p>{step.text}</p>
          {step.highlight.length > 0 ? (
            <p className="tour-look">
              <strong>Look at: </strong>
              {step.highlight.map(describeHighlight).join('; ')}
            </p>
          ) : null}
        </div>
      )}
      <div className="tour-nav">
        <button
          type="button"
          onClick={previousStep}
          title="Go back one step of the tour."
          disabled={active.step === 0 && !active.ended}
        >
          Previous step
        </button>
        {active.ended ? null : (
          <button
            type="button"
            className="primary-action"
            onClick={nextStep}
            title="Go on to the next step: the run moves to its moment."
          >
            {last ? 'Finish tour' : 'Next step'}
          </button>
        )}
        <button
          type="button"
          className="ghost"
          aria-pressed={presenter}
          onClick={togglePresenter}
          title="Large fonts for a projector: the narration and the cluster view grow, the rest shrinks away."
        >
          Presenter mode
        </button>
        <button type="button" className="ghost" onClick={openGallery} title="Choose another tour.">
          All tours
        </button>
        <button type="button" className="ghost" onClick={closeTour} title="Leave the tour; the run stays.">
          Close tour
        </button>
      </div>
    </section>
  );
}
