// Benchmarks run bundled (as the browser runs the engine), not through tsx's per-module loader.
// The bundle sits beside its entry so paths resolved from import.meta.url stay the same.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { dirname, basename, join } from 'node:path';

const [entry = 'bench/run.ts', ...args] = process.argv.slice(2);
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
const result = spawnSync(process.execPath, ['--expose-gc', outfile, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
