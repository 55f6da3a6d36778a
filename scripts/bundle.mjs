// Benchmarks run bundled (as the browser runs the engine), not through tsx's per-module loader.
// The bundle sits beside its entry so paths resolved from import.meta.url stay the same.
import { build } from 'esbuild';
import { basename, dirname, join } from 'node:path';

/** Bundles a TypeScript entry for Node into `.<name>.bundle.mjs` beside it; returns that path. */
export async function bundleForNode(entry) {
  const outfile = join(dirname(entry), `.${basename(entry, '.ts')}.bundle.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}
