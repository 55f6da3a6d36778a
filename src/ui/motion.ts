/** Whether the person asked for reduced motion (read once; the app does not animate transitions). */
export function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
