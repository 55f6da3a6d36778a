/** An in-memory stand-in for localStorage, for tests of the stores that persist to it. */
import { afterEach, beforeEach } from 'vitest';
import { onCorrupt } from './storage.ts';

export class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** Gives each test of the enclosing suite a fresh empty localStorage and no corruption listener. */
export function useMemoryStorage(): void {
  const globals = globalThis as { localStorage?: unknown };
  beforeEach(() => {
    globals.localStorage = new MemoryStorage();
  });
  afterEach(() => {
    delete globals.localStorage;
    onCorrupt(null);
  });
}
