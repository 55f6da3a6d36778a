/** The narration of the tour being walked: step text, the paper's section, highlights, navigation. */
import { useEffect } from 'react';
import { tourById, type Highlight } from '../../scenario/tours/index.ts';
import { prefersReducedMotion } from '../motion.ts';
import { describeHighlight, highlightCss } from './highlight.ts';
// oxlint-disable-next-line import/no-unassigned-import -- the stylesheet is imported for its side effect
import './tours.css';
import { closeTour, nextStep, openGallery, previousStep, useTours } from './tour-store.ts';

/** The page's list of messages in flight: a <details> found by its summary's words. */
function inFlightList(): HTMLDetailsElement | null {
  for (const details of document.querySelectorAll('details')) {
    const summary = details.querySelector(':scope > summary');
    if (summary?.textContent?.trim().startsWith('Messages in flight')) return details;
  }
  return null;
}

/**
 * A step that points at messages names a list that is collapsed and below the fold: open it and
 * bring it into view, so that "Look at" points at something the learner can see. `step` names the
 * step (tour and index) when it highlights a message, else null; each such step reveals it again.
 */
function useRevealMessages(step: string | null): void {
  useEffect(() => {
    if (step === null) return;
    // After the step's run and frame have rendered (the list's items are the step's messages);
    // then, once the opened list has rendered its items, scroll the whole of it into view.
    let frame = requestAnimationFrame(() => {
      const list = inFlightList();
      if (list === null) return;
      list.open = true;
      frame = requestAnimationFrame(() =>
        list.scrollIntoView({ block: 'center', behavior: prefersReducedMotion() ? 'auto' : 'smooth' }),
      );
    });
    return () => cancelAnimationFrame(frame);
  }, [step]);
}

export function TourPanel() {
  const active = useTours((s) => s.active);
  const tour = active === null ? undefined : tourById(active.id);
  const step = active === null || tour === undefined ? undefined : tour.steps[active.step];
  const showsMessage =
    active !== null && !active.ended && step?.highlight.some((h: Highlight) => h.kind === 'message') === true;
  useRevealMessages(showsMessage ? `${active.id} ${active.step}` : null);
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
        <button type="button" onClick={previousStep} disabled={active.step === 0 && !active.ended}>
          Previous step
        </button>
        {active.ended ? null : (
          <button type="button" className="primary-action" onClick={nextStep}>
            {last ? 'Finish tour' : 'Next step'}
          </button>
        )}
        <button type="button" className="ghost" onClick={openGallery}>
          All tours
        </button>
        <button type="button" className="ghost" onClick={closeTour}>
          Close tour
        </button>
      </div>
    </section>
  );
}
