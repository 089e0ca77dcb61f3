/**
 * A run's process group: ansible-playbook, its workers and the commands they start. Killing the
 * group is a signal; the processes are gone only once they have been scheduled to die, a moment
 * later, so an abort waits for that before it says the run is over.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Sends `signal` to every process of group `pgid`; a group already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Whether a process of group `pgid` still runs. Zombies do not count: a dead process whose parent
 * does not reap it (PID 1 in some containers) stays in /proc but runs nothing.
 */
export function groupRuns(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    // No /proc: the kernel's answer, zombies included.
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the parenthesised command: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

/** Resolves once no process of group `pgid` runs, or after `timeoutMs` whatever runs still. */
export async function groupGone(pgid: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (groupRuns(pgid) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
