// Import boundaries: imports point down only (ui -> scenario -> sim -> protocol; explore -> sim -> protocol;
// ui and node -> explore; node -> scenario/sim/protocol),
// and no file reaches itself through its imports, `import type` included. Tests may build inputs with the
// scenario layer, and node's tests may check that what the command line writes is what the app reads (ui).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

// The checkout this script lives in, or another tree given as the first argument (its test does).
const root = process.argv[2]
  ? resolve(process.argv[2])
  : resolve(dirname(new URL(import.meta.url).pathname), '..');
const forbidden = {
  protocol: ['sim', 'scenario', 'ui', 'node'],
  sim: ['scenario', 'ui', 'node'],
  scenario: ['ui', 'node'],
  explore: ['scenario', 'ui', 'node'],
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
  const dir = join(root, 'src', layer);
  if (!existsSync(dir)) continue;
  for (const file of files(dir)) {
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
for (const cycle of importCycles())
  problems.push(`these files import each other in a cycle (import type counts): ${cycle.join(', ')}`);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}

/** Every cycle of relative imports among the non-test sources of src/ (strongly connected components). */
function importCycles() {
  const graph = new Map();
  for (const file of files(join(root, 'src'))) {
    if (/\.test\.tsx?$/.test(file)) continue;
    const targets = [];
    for (const match of readFileSync(file, 'utf8').matchAll(importRe)) {
      const spec = match[1] ?? match[2];
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (existsSync(target) && /\.(ts|tsx)$/.test(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  // Tarjan's algorithm: a component of more than one file, or a file importing itself, is a cycle.
  let index = 0;
  const indices = new Map();
  const lowlinks = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (file) => {
    indices.set(file, index);
    lowlinks.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        lowlinks.set(file, Math.min(lowlinks.get(file), lowlinks.get(next)));
      } else if (onStack.has(next)) lowlinks.set(file, Math.min(lowlinks.get(file), indices.get(next)));
    }
    if (lowlinks.get(file) !== indices.get(file)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(relative(root, member));
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!indices.has(file)) visit(file);
  return cycles;
}
