/** FNV-1a over UTF-16 code units, resumable: hash(a + b) = fnvContinue(hash(a), b). */
export const fnvOffset = 0x811c9dc5;

export function fnvContinue(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function fnv(text: string): number {
  return fnvContinue(fnvOffset, text);
}

/** Mix two 32-bit hashes into one (order matters). */
export function mixHash(a: number, b: number): number {
  let h = Math.imul(a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2)), 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
