import { describe, expect, it } from 'vitest';
import { tours } from '../../scenario/tours/index.ts';
import { onCorrupt } from '../storage.ts';
import { describeHighlight, highlightCss } from './highlight.ts';
import { clearProgress, loadProgress, progressKey, recordProgress } from './progress.ts';
import { parseTourHash, tourHash } from './tour-link.ts';
import { useMemoryStorage } from '../memory-storage.ts';

const stepsOf = (id: string) => tours.find((tour) => tour.id === id)?.steps.length;

describe('tour links', () => {
  it('round-trip every tour and step', () => {
    for (const tour of tours)
      for (let step = 0; step < tour.steps.length; step++)
        expect(parseTourHash(tourHash(tour.id, step), stepsOf)).toEqual({ ok: true, id: tour.id, step });
  });

  it('explain bad tour links', () => {
    expect(parseTourHash('#s=abc', stepsOf)).toBeNull();
    expect(parseTourHash('#tour=nope', stepsOf)).toMatchObject({ ok: false, problem: /no tour "nope"/ });
    expect(parseTourHash(`#tour=${tours[0].id}&step=99`, stepsOf)).toMatchObject({ ok: false });
    expect(parseTourHash(`#tour=${tours[0].id}&x=<b>`, stepsOf)).toMatchObject({ ok: false });
    expect(parseTourHash('#tour=%E0%A4%A', stepsOf)).toMatchObject({ ok: false });
  });
});

describe('highlights', () => {
  it('describe and outline every highlight of every tour', () => {
    for (const tour of tours)
      for (const step of tour.steps) {
        for (const highlight of step.highlight) expect(describeHighlight(highlight)).not.toBe('');
        if (step.highlight.length > 0) expect(highlightCss(step.highlight)).toContain('#d4006a');
      }
  });
});

describe('tour progress', () => {
  useMemoryStorage();

  it('persists the furthest step and the finish', () => {
    recordProgress('a', 2, false);
    recordProgress('a', 1, false);
    expect(loadProgress()).toEqual({ a: { step: 2, finished: false } });
    recordProgress('a', 3, true);
    expect(loadProgress()).toEqual({ a: { step: 3, finished: true } });
    clearProgress();
    expect(loadProgress()).toEqual({});
  });

  it('discards a corrupted store with a notice', () => {
    const seen: string[] = [];
    onCorrupt((key) => seen.push(key));
    localStorage.setItem(progressKey, '{"a": {"step": "x"');
    expect(loadProgress()).toEqual({});
    expect(seen).toEqual([progressKey]);
    expect(localStorage.getItem(progressKey)).toBeNull();
  });
});
