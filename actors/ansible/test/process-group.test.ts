import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { groupGone, groupRuns, signalGroup } from '../src/process-group.js';

/** A process group of a shell and what it starts, as a playbook with a worker running a command. */
function sleepingGroup(script: string): number {
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe('process group', () => {
  it('is gone once its killed processes have died, not merely been signalled', async () => {
    const pgid = sleepingGroup('sleep 300 & sleep 300 & wait');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(groupRuns(pgid)).toBe(true);
    signalGroup(pgid, 'SIGKILL');
    await groupGone(pgid, 5_000);
    expect(groupRuns(pgid)).toBe(false);
    // Signalling a group that is gone is fine.
    signalGroup(pgid, 'SIGKILL');
  });

  it('stops waiting after its bound for a group that will not die', async () => {
    const pgid = sleepingGroup("trap '' TERM; sleep 300 & wait");
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The shell ignores SIGTERM, and so does its sleep (an ignored signal is inherited).
    signalGroup(pgid, 'SIGTERM');
    await groupGone(pgid, 300);
    expect(groupRuns(pgid)).toBe(true);
    signalGroup(pgid, 'SIGKILL');
    await groupGone(pgid, 5_000);
    expect(groupRuns(pgid)).toBe(false);
  });
});
