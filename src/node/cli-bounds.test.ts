/**
 * The sim command line on hostile or odd input: files that never end, prototype names as values,
 * byte-order marks, histories too hard to check, and --help on every command.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeLink } from '../scenario/link.ts';
import { importText } from '../ui/share/import-export.ts';
import { readTextBounded } from './bounded-read.ts';
import { runLincheck } from './lincheck-command.ts';
import { main, nodeIo } from './sim.ts';
import { runCommand } from './run-command.ts';
import { shrinkCommand } from './shrink-command.ts';
import { mutationScenarios } from '../scenario/mutation-scenarios.ts';
import { scenarioToJson } from '../scenario/schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The real file system, output captured. */
function cli() {
  const io = {
    ...nodeIo,
    out: '',
    err: '',
    written: new Map<string, string>(),
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    writeFile: (path: string, text: string) => void io.written.set(path, text),
  };
  return io;
}

const scenario = {
  version: 1,
  seed: 3,
  until: 2000,
  actions: [
    { at: 10, type: 'request', client: 0, op: 'put x 1' },
    { at: 300, type: 'crash', replica: 0 },
  ],
};

describe('sim on input it must not choke on', () => {
  it('refuses /dev/zero after reading at most the limit plus one byte, and a large file before reading it', () => {
    const started = performance.now();
    const io = cli();
    expect(runCommand(['/dev/zero'], io)).toBe(2);
    expect(io.err).toBe('cannot read /dev/zero: it is larger than the limit of 524288 bytes\n');
    expect(performance.now() - started).toBeLessThan(2_000);
    const big = file('big.json', '');
    truncateSync(big, 600 * 1024); // sparse: nothing to read, only a size to check
    const second = cli();
    expect(runCommand([big], second)).toBe(2);
    expect(second.err).toMatch(/it is 614400 bytes, the limit is 524288/);
    expect(() => readTextBounded('/dev/zero', 10)).toThrow(/larger than the limit of 10 bytes/);
    expect(readTextBounded(file('small.txt', 'héllo'), 6)).toBe('héllo');
  });

  it('names the field when an action type or a key is a name Object.prototype has', () => {
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const io = cli();
      const path = file(`${type}.json`, JSON.stringify({ version: 1, actions: [{ at: 1, type }] }));
      expect(runCommand([path], io), type).toBe(2);
      expect(io.err).toMatch(/^invalid scenario: actions\[0\]\.type: must be one of request, crash, /);
    }
    const io = cli();
    const proto = '{"version":1,"actions":[{"at":1,"type":"heal","__proto__":{"x":1}}]}';
    expect(runCommand([file('proto-key.json', proto)], io)).toBe(2);
    expect(io.err).toMatch(/^invalid scenario: actions\[0\]\.__proto__: unknown field/);
  });

  it('reads a scenario file that starts with a UTF-8 byte-order mark', () => {
    const io = cli();
    expect(runCommand([file('bom.json', `\uFEFF${JSON.stringify(scenario)}`), '--json'], io)).toBe(0);
    expect(JSON.parse(io.out).endTime).toBe(2000);
  });

  it('writes with --trace the trace JSON that the app imports, scenario and all', () => {
    const io = cli();
    const path = file('s.json', JSON.stringify(scenario));
    expect(runCommand([path, '--json', '--trace', 'out.json'], io)).toBe(0);
    const text = io.written.get('out.json')!;
    expect(io.err).toMatch(/^trace: \d+ bytes written to out\.json\n$/);
    const imported = importText(text);
    if (!imported.ok || imported.kind !== 'trace')
      throw new Error(`not imported: ${JSON.stringify(imported)}`);
    expect(imported.scenario).toEqual({ ...JSON.parse(scenarioToJson(imported.scenario!)) });
    expect(imported.scenario?.seed).toBe(3);
    expect(imported.trace.events).toHaveLength(JSON.parse(io.out).eventCount);
  });

  it('lincheck gives up with the verdict unknown (exit 3) when --timeout runs out', () => {
    // Twelve concurrent appends and a read that no order explains: the search is exponential.
    const history = [
      ...Array.from({ length: 12 }, (_, i) => ({
        client: i,
        input: { op: 'append', key: 'k', value: String.fromCharCode(97 + i) },
        output: 'ok',
        call: 0,
        return: 100,
      })),
      { client: 12, input: { op: 'get', key: 'k' }, output: 'impossible', call: 101, return: 102 },
    ];
    const path = file('hard.json', JSON.stringify({ history }));
    const io = cli();
    const started = performance.now();
    expect(runLincheck([path, '--timeout', '0.3', '--json'], io)).toBe(3);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(JSON.parse(io.out)).toMatchObject({ linearizable: 'unknown', operations: 13 });
    const text = cli();
    expect(runLincheck([path, '--timeout', '0.2'], text)).toBe(3);
    expect(text.out).toMatch(/^unknown \(gave up after the 0\.2 s of --timeout\): 13 operations/);
  });

  it('shrink prints a #s= link the app opens, landing at the violation', () => {
    const io = cli();
    const { scenario: broken } = mutationScenarios['ack-with-gap'];
    expect(shrinkCommand([file('broken.json', scenarioToJson(broken))], io)).toBe(0);
    const link = /shrink: link \(append to the app's address, e\.g\. \S+\): (#s=\S+)\n/.exec(io.err)?.[1];
    expect(link).toBeDefined();
    const decoded = decodeLink(link!);
    expect(decoded).toMatchObject({ ok: true });
    expect(decoded?.ok && scenarioToJson(decoded.payload.scenario)).toBe(io.out.trim());
  });

  it('answers --help on sim and on every command with usage and exit 0', async () => {
    for (const args of [
      ['--help'],
      ['-h'],
      ['help'],
      ...['run', 'fuzz', 'shrink', 'lincheck', 'merge-traces'].map((c) => [c, '--help']),
    ]) {
      const out: string[] = [];
      const io = { stdout: process.stdout.write, stderr: process.stderr.write };
      process.stdout.write = ((text: string) => (out.push(text), true)) as typeof process.stdout.write;
      process.stderr.write = (() => true) as typeof process.stderr.write;
      let code: number;
      try {
        code = await main(args);
      } finally {
        process.stdout.write = io.stdout;
        process.stderr.write = io.stderr;
      }
      expect(code, args.join(' ')).toBe(0);
      expect(out.join(''), args.join(' ')).toMatch(/^usage: (sim|lincheck)/);
    }
  });
});
