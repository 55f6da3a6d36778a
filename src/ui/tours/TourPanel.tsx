/** The narration of the tour being walked: step text, the paper's section, highlights, navigation. */
import { tourById } from '../../scenario/tours/index.ts';
import { describeHighlight, highlightCss } from './highlight.ts';
// oxlint-disable-next-line import/no-unassigned-import -- the stylesheet is imported for its side effect
import './tours.css';
import { closeTour, nextStep, openGallery, previousStep, useTours } from './tour-store.ts';

export function TourPanel() {
  const active = useTours((s) => s.active);
  if (active === null) return null;
  const tour = tourById(active.id);
  if (tour === undefined) return null;
  const step = tour.steps[active.step];
  const last = active.step === tour.steps.length - 1;
  return (
    <section className="tour-panel" aria-label="Tour">
      {active.ended ? null : <style>{highlightCss(step.highlight)}</style>}
      <header className="panel-head">
        <h2>{tour.title}</h2>
        <span className="muted">
          {active.ended ? 'Try it yourself' : `Step ${active.step + 1} of ${tour.steps.length}`}
        </span>
      </header>
      {active.ended ? (
        <div aria-live="polite">
          <h3>Try it yourself</h3>
          <p>{tour.tryIt}</p>
          <p className="muted">The run is yours now: play it, crash replicas, send requests.</p>
        </div>
      ) : (
        <div aria-live="polite">
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
