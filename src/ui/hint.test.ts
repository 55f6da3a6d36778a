import { describe, expect, it } from 'vitest';
import type { ReplicaFrame } from './frame.ts';
import { hintText } from './hint.ts';

function replicas(...statuses: ReplicaFrame['status'][]): ReplicaFrame[] {
  return statuses.map((status, id) => ({ id, status, crashVector: null }) as ReplicaFrame);
}

describe('hint', () => {
  it('suggests crashing the primary while all is well', () => {
    expect(hintText(replicas('normal', 'normal', 'normal'), 0)).toMatch(
      /crash the primary .*"Crash replica 0"/,
    );
  });

  it('names several replicas down in words', () => {
    const text = hintText(replicas('crashed', 'normal', 'normal', 'crashed', 'normal'), 1);
    expect(text).toMatch(/^Replicas 0 and 3 are down; 5 replicas tolerate 2 failures/);
    expect(text).toMatch(/Restart them/);
  });

  it('says a crashed backup is tolerated and the primary keeps committing', () => {
    const text = hintText(replicas('normal', 'normal', 'normal', 'crashed', 'normal'), 0);
    expect(text).toMatch(/Replica 3 is down; 5 replicas tolerate 2 failures, so primary 0 keeps committing/);
  });

  it('says the backups elect a new primary when the primary is down', () => {
    expect(hintText(replicas('crashed', 'normal', 'normal'), null)).toMatch(/primary is down/);
  });

  it('says nothing commits with more than f replicas down', () => {
    expect(hintText(replicas('crashed', 'crashed', 'normal'), null)).toMatch(/primary is down/);
    expect(hintText(replicas('normal', 'crashed', 'crashed'), 0)).toMatch(
      /more than the 1 that 3 replicas tolerate/,
    );
  });

  it('explains recovery and view changes while they happen', () => {
    expect(hintText(replicas('recovering', 'normal', 'normal'), 1)).toMatch(/Replica 0 is recovering.*nonce/);
    expect(hintText(replicas('crashed', 'view-change', 'normal'), null)).toMatch(/view change is under way/);
  });

  it('names the crash-vector step of recovery when the run uses it', () => {
    const withVectors = replicas('recovering', 'normal', 'normal').map((r) => ({
      ...r,
      crashVector: [1, 0, 0],
    }));
    expect(hintText(withVectors, 1)).toMatch(/Replica 0 is recovering: first it learns .* incarnation/);
    expect(hintText(replicas('recovering', 'normal', 'normal'), 1)).not.toMatch(/incarnation/);
  });
});
