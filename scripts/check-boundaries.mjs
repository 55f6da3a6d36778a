// Import boundaries: imports point down only (ui -> scenario -> sim -> protocol; node -> scenario/sim/protocol).
// Tests may build inputs with the scenario layer, and node's tests may check that what the command
// line writes is what the app reads (ui).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const forbidden = {
  protocol: ['sim', 'scenario', 'ui', 'node'],
  sim: ['scenario', 'ui', 'node'],
  scenario: ['ui', 'node'],
  ui: ['node'],
  node: ['ui'],
};
const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|tsx)$/.test(name)) yield path;
  }
}

const problems = [];
for (const [layer, banned] of Object.entries(forbidden)) {
  for (const file of files(join(root, 'src', layer))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(importRe)) {
      const spec = match[1] ?? match[2];
      if (!spec.startsWith('.')) {
        if (
          layer !== 'ui' &&
          layer !== 'node' &&
          /^(react|react-dom|zustand|d3-|node:)/.test(spec) &&
          !file.endsWith('.test.ts')
        )
          problems.push(`${relative(root, file)}: src/${layer} must not import '${spec}'`);
        continue;
      }
      const target = relative(join(root, 'src'), resolve(dirname(file), spec)).split('/')[0];
      // Tests may build their inputs with the scenario layer; production code may not.
      const isTest = /\.test\.tsx?$/.test(file);
      const testMay = target === 'scenario' || (layer === 'node' && target === 'ui');
      if (banned.includes(target) && !(isTest && testMay))
        problems.push(`${relative(root, file)}: src/${layer} must not import from src/${target} ('${spec}')`);
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
