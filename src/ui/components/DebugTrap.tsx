import { useSyncExternalStore } from 'react';
import { subscribeViewFailure, viewFailureMessage } from '../debug.ts';

/** Throws when the debug object asks for a view failure; renders nothing otherwise. */
export function DebugTrap() {
  const message = useSyncExternalStore(subscribeViewFailure, viewFailureMessage);
  if (message !== null) throw new Error(message);
  return null;
}
