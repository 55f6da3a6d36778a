// Runs a benchmark entry bundled (see bundle.mjs), with gc() exposed for memory figures.
import { spawnSync } from 'node:child_process';
import { bundleForNode } from './bundle.mjs';

const [entry = 'bench/run.ts', ...args] = process.argv.slice(2);
const outfile = await bundleForNode(entry);
const result = spawnSync(process.execPath, ['--expose-gc', outfile, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
