import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/check-boundaries.mjs', import.meta.url));
const trees: string[] = [];

/** A throwaway tree of the given files, checked by the boundary script. */
function check(files: Record<string, string>): { status: number | null; stderr: string } {
  const root = mkdtempSync(join(tmpdir(), 'boundaries-'));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const result = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

afterEach(() => {
  for (const root of trees.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('the boundary script', () => {
  it('passes a tree whose imports point down and never come back', () => {
    expect(
      check({
        'src/sim/world.ts': "import type { View } from './view.ts';\nexport const world = 1;\n",
        'src/sim/view.ts': 'export interface View { readonly now: number }\n',
      }),
    ).toEqual({ status: 0, stderr: '' });
  });

  it('refuses a cycle made only of type imports', () => {
    const result = check({
      'src/sim/world.ts': "import type { Checker } from './checker.ts';\nexport class World {}\n",
      'src/sim/checker.ts': "import type { World } from './world.ts';\nexport interface Checker {}\n",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'these files import each other in a cycle (import type counts): src/sim/checker.ts, src/sim/world.ts',
    );
  });

  it('refuses an import that points up a layer', () => {
    const result = check({ 'src/protocol/replica.ts': "import { World } from '../sim/world.ts';\n" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('src/protocol must not import from src/sim');
  });
});
