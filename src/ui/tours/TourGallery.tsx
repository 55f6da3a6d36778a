/** The tour gallery: every tour with its link, summary and the learner's progress. */
import { useEffect, useRef, type MouseEvent } from 'react';
import { isChallenge, tours } from '../../scenario/tours/index.ts';
import { clearTourProgress, closeGallery, openGallery, startTour, useTours } from './tour-store.ts';
import { tourHash } from './tour-link.ts';
import { plural } from '../format.ts';

export function ToursButton() {
  return (
    <button
      type="button"
      onClick={openGallery}
      title="Guided tours: narrated runs that explain the protocol step by step."
    >
      Tours
    </button>
  );
}

export function TourGallery() {
  const open = useTours((s) => s.galleryOpen);
  const progress = useTours((s) => s.progress);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  const choose = (event: MouseEvent, id: string) => {
    event.preventDefault();
    startTour(id, 0, 'push');
  };
  return (
    <dialog
      ref={ref}
      className="modal tour-gallery"
      aria-labelledby="tour-gallery-title"
      onClose={closeGallery}
    >
      {open ? (
        <>
          <header className="panel-head">
            <h2 id="tour-gallery-title">Tours</h2>
            <button type="button" className="ghost" onClick={closeGallery} aria-label="Close tours">
              ✕
            </button>
          </header>
          <p className="muted">
            Each tour pauses a run at the moments that matter and explains them with the paper&apos;s section.
            The last {tours.filter(isChallenge).length} are &ldquo;break a rule&rdquo; challenges.
          </p>
          <ol className="tour-list">
            {tours.map((tour) => {
              const reached = progress[tour.id];
              const status =
                reached === undefined
                  ? 'not started'
                  : reached.finished
                    ? 'finished'
                    : `step ${reached.step + 1} of ${tour.steps.length} reached`;
              return (
                <li key={tour.id}>
                  <a href={tourHash(tour.id)} onClick={(event) => choose(event, tour.id)}>
                    {tour.title}
                  </a>
                  {isChallenge(tour) ? <span className="badge challenge">challenge</span> : null}
                  <span className="muted tour-status">{` · ${plural(tour.steps.length, 'step')} · ${status}`}</span>
                  <p>{tour.summary}</p>
                </li>
              );
            })}
          </ol>
          <button type="button" className="ghost" onClick={clearTourProgress}>
            Clear tour progress
          </button>
        </>
      ) : null}
    </dialog>
  );
}
