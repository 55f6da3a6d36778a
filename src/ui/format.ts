/** Small text formatting shared by the views. */

/** Virtual time as seconds with millisecond precision: `12.345 s`. */
export function formatTime(ms: number): string {
  return `${(Math.floor(ms) / 1000).toFixed(3)} s`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** A list as people say it: `0`, `0 and 3`, `0, 1 and 3`. */
export function spokenList(items: readonly (string | number)[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A node as people say it: `replica 2`, `client c1`. */
export function nodeName(node: number | string): string {
  return typeof node === 'number' ? `replica ${node}` : `client ${node}`;
}
