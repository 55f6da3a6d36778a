/** `npm run bench`: every benchmark of the engine and the checkers, printing figures (not timed tests). */
import { benchEngine } from './engine.ts';
import { benchLinks } from './links.ts';

console.log('# engine');
benchEngine();
console.log('\n# scenario links');
benchLinks();
try {
  const { benchLincheck } = (await import('./lincheck.ts')) as { benchLincheck: () => Promise<void> };
  console.log('\n# linearizability checker');
  await benchLincheck();
} catch (error) {
  console.log(`linearizability bench unavailable: ${(error as Error).message}`);
}
