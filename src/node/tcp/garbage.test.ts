import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Address } from './common.ts';
import { Cluster } from './cluster.ts';
import { encodeFrame } from './framing.ts';
import { TcpClient } from './tcp-client.ts';
import { agreedPrimary, waitFor, waitForConvergence, withTimeout } from './testing.ts';
import { frameBytesMax } from './wire-schema.ts';

const frame = (body: unknown) => encodeFrame(typeof body === 'string' ? body : JSON.stringify(body));
const hello = (from: number | string) => ({
  kind: 'hello',
  version: 2,
  from,
  replicas: 3,
  incarnation: 'feed1',
  stateMachine: typeof from === 'number' ? 'kv' : null,
  view: null,
  status: null,
  opNumber: null,
  cluster: null,
  nonce: '0'.repeat(32),
  auth: false,
});

/** Writes bytes to a raw socket and resolves whether the replica closed it within `ms`. */
function sendGarbage(address: Address, bytes: Buffer, ms = 3_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(address.port, address.host);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, ms);
    socket.on('error', () => {});
    socket.resume(); // read (and ignore) the replica's hello, so its closing is seen
    socket.on('connect', () => socket.write(bytes, () => {}));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function oversizedHeader(): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(frameBytesMax + 1, 0);
  return Buffer.concat([header, Buffer.alloc(64 * 1024, 0x78)]);
}

function randomFramed(): Buffer {
  const body = randomBytes(2048);
  body[0] = 0xff; // not a character JSON can start with: the body is never valid JSON
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

function randomRaw(): Buffer {
  const bytes = randomBytes(4096);
  bytes[0] |= 0x10; // the first four bytes read as a length of at least 256 MiB
  return bytes;
}

describe('a replica fed garbage', () => {
  let cluster: Cluster | null = null;
  let client: TcpClient | null = null;

  afterEach(async () => {
    await client?.close();
    client = null;
    await cluster?.stop();
    cluster = null;
  });

  it(
    'closes each bad connection with one log line and keeps serving the client',
    { timeout: 40_000 },
    async ({ onTestFailed }) => {
      const output: string[][] = [[], [], []];
      onTestFailed(() => console.error(`replica output:\n${output.flat().slice(-100).join('\n')}`));
      cluster = await Cluster.start({ replicas: 3, onOutput: (replica, line) => output[replica].push(line) });
      client = new TcpClient({ peers: cluster.peers, id: 'c5' });
      await client.waitForConnections(3, 10_000);
      expect((await withTimeout(client.submit('put before 1'), 10_000, 'first put')).result).toBe('ok');
      const target = await waitFor(
        async () => agreedPrimary(await client!.status()),
        5_000,
        'an agreed primary',
      );
      const incarnation = (await client.status())[target]!.incarnation;

      const message = (id: string, body: unknown) => frame({ kind: 'message', id, message: body });
      const cases: { name: string; bytes: Buffer; logged: RegExp }[] = [
        { name: 'random bytes in a frame', bytes: randomFramed(), logged: /bad frame: broken JSON/ },
        { name: 'random bytes', bytes: randomRaw(), logged: /bytes exceeds the 65536-byte limit/ },
        {
          name: 'an oversized frame',
          bytes: oversizedHeader(),
          logged: /frame of 33554433 bytes exceeds the 65536-byte limit/,
        },
        {
          name: 'a client frame over the 64 KiB limit',
          bytes: Buffer.concat([
            frame(hello('c905')),
            frame({ kind: 'message', id: 'c905.x.1', pad: 'x'.repeat(70_000) }),
          ]),
          logged: /frame of 70\d{3} bytes exceeds the 65536-byte limit/,
        },
        { name: 'broken JSON', bytes: frame('{"kind":"hello",'), logged: /bad frame: broken JSON/ },
        {
          name: 'JSON that is not a frame',
          bytes: frame('[1,2,3]'),
          logged: /bad frame: a frame must be a JSON object, got an array/,
        },
        {
          name: 'a message before any hello',
          bytes: message('c9.x.1', { type: 'request', client: 'c9', request: 1, op: 'put x 1' }),
          logged: /expected a hello frame first, got message/,
        },
        {
          name: 'a request with a field of the wrong type',
          bytes: Buffer.concat([
            frame(hello('c900')),
            message('c900.x.1', { type: 'request', client: 'c900', request: 'one', op: 'put x 1' }),
          ]),
          logged: /bad frame: message\.request: must be a non-negative integer, got "one"/,
        },
        {
          name: 'an unknown message type',
          bytes: Buffer.concat([
            frame(hello('c901')),
            message('c901.x.1', { type: 'launch_missiles', at: 'dawn' }),
          ]),
          logged: /bad frame: message\.type: unknown message type "launch_missiles"/,
        },
        {
          name: 'a hello with a replica id outside the configuration',
          bytes: frame(hello(7)),
          logged: /bad frame: from: 7 is not a replica of a 3-replica cluster/,
        },
        {
          name: 'a hello naming the replica itself',
          bytes: frame(hello(target)),
          logged: new RegExp(`hello refused: replica ${target} is this replica`),
        },
        {
          name: 'a hello of another cluster size',
          bytes: frame({ ...hello('c902'), replicas: 5 }),
          logged: /the sender's configuration has 5 replicas, this one has 3/,
        },
        {
          name: 'a client posing as a replica',
          bytes: Buffer.concat([
            frame(hello('c903')),
            message('c903.x.1', { type: 'start_view_change', view: 9, replica: (target + 1) % 3 }),
          ]),
          logged: /refused message: a client may send only requests, not start_view_change/,
        },
        {
          name: "a request in another client's name",
          bytes: Buffer.concat([
            frame(hello('c904')),
            message('c904.x.1', { type: 'request', client: 'c5', request: 99, op: 'put x 2' }),
          ]),
          logged: /refused message: request names c5 but came from c904/,
        },
      ];

      for (const [index, garbage] of cases.entries()) {
        const linesBefore = output[target].length;
        expect(
          await sendGarbage(cluster.peers[target], garbage.bytes),
          `${garbage.name}: connection closed`,
        ).toBe(true);
        const line = await waitFor(
          () => output[target].slice(linesBefore).find((l) => /closed connection from/.test(l)) ?? null,
          3_000,
          `a log line for ${garbage.name}`,
        );
        expect(line, garbage.name).toMatch(garbage.logged);
        expect(
          output[target].slice(linesBefore).filter((l) => /closed connection from/.test(l)),
          garbage.name,
        ).toHaveLength(1);
        const reply = await withTimeout(
          client.submit(`put after${index} ${index}`),
          10_000,
          `put after ${garbage.name}`,
        );
        expect(reply.result).toBe('ok');
      }

      // Same process, nothing lost, everyone in agreement.
      const statuses = await waitForConvergence(client, 10_000);
      expect(statuses[target].incarnation).toBe(incarnation);
      expect(cluster.isRunning(target)).toBe(true);
      expect((await client.submit('get after3')).result).toBe('3');
      expect((await client.submit('get x')).result).toBe('');
    },
  );
});
