/**
 * Hooks for the UI benchmark and for debugging in the console, on `window.vsrScopeDebug` only.
 * Nothing in the app reads them.
 */
import { flushSync } from 'react-dom';
import { parseScenario } from '../scenario/schema.ts';
import type { Session } from './session.ts';

const samplesMax = 20_000;
let recording = false;
let samples: number[] = [];
let inFlightSamples: number[] = [];
let panelSamples: boolean[] = [];
let current: Session | null = null;

/** Records one frame's work; `panels` tells whether the text panels were refreshed in it. */
export function recordFrameWork(ms: number, playing: boolean, panels: boolean): void {
  if (!recording || !playing) return;
  if (samples.length >= samplesMax) return;
  samples.push(ms);
  panelSamples.push(panels);
  inFlightSamples.push(current?.store.getState().frame?.inFlightTotal ?? 0);
}

export interface VsrScopeDebug {
  /** Replaces the run with a scenario (JSON as the scenario format) and plays it at `speed`. */
  load(json: unknown, speed?: number): void;
  /** Starts (clearing) or stops recording per-frame work times. */
  record(on: boolean): void;
  samples(): { frameMs: number[]; inFlight: number[]; panels: boolean[] };
  /** Computes up to `count` more events ahead of the cursor; returns the computed event count. */
  compute(count: number): number;
  /** Moves the cursor to just after `count` events; returns the wall ms it took (frame included). */
  seek(count: number): number;
  state(): {
    events: number;
    cursorEvent: number;
    time: number;
    playing: boolean;
    /** The scenario's actions (the person's clicks among them). */
    actions: number;
    until: number;
  };
  /** The live session, for poking at in the console. */
  readonly session: Session;
  /** Makes a view component throw `message` on its next render (tests the error boundary). */
  failView(message: string): void;
}

// A view failure on demand, to exercise the error boundary (only through the debug object).
let viewFailure: string | null = null;
const failureListeners = new Set<() => void>();

export function subscribeViewFailure(listener: () => void): () => void {
  failureListeners.add(listener);
  return () => failureListeners.delete(listener);
}

export function viewFailureMessage(): string | null {
  return viewFailure;
}

export function clearViewFailure(): void {
  viewFailure = null;
}

declare global {
  interface Window {
    vsrScopeDebug?: VsrScopeDebug;
  }
}

export function installDebug(session: Session): void {
  current = session;
  window.vsrScopeDebug = {
    session,
    failView(message) {
      viewFailure = message;
      for (const listener of failureListeners) listener();
    },
    load(json, speed = 1) {
      session.newRun(parseScenario(json), true);
      session.setSpeed(speed);
    },
    record(on) {
      recording = on;
      if (on) {
        samples = [];
        inFlightSamples = [];
        panelSamples = [];
      }
    },
    samples: () => ({
      frameMs: samples.slice(),
      inFlight: inFlightSamples.slice(),
      panels: panelSamples.slice(),
    }),
    compute(count) {
      session.pause();
      let left = count;
      while (left > 0) {
        const done = session.run.extendBy(Math.min(left, 10_000));
        if (done === 0) break;
        left -= done;
      }
      return session.run.head.eventCount;
    },
    seek(count) {
      const started = performance.now();
      flushSync(() => session.seekEvent(count));
      return performance.now() - started;
    },
    state() {
      const state = session.store.getState();
      return {
        events: session.run.head.eventCount,
        cursorEvent: state.cursor.event,
        time: state.cursor.time,
        playing: state.playing,
        actions: state.scenario.actions.length,
        until: state.scenario.until,
      };
    },
  };
}
