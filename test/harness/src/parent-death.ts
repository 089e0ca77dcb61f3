/**
 * Native children (nats-server) that stop when the process that spawned them dies, the way
 * orphan-guard.mjs stops node children. `setpriv --pdeathsig` (util-linux, essential on Debian) has
 * the kernel send SIGTERM when the spawning process is gone — killed -9 included — and then execs
 * the program, so the child's pid is still the program's own: tests can SIGKILL it as before.
 */
import { accessSync, constants } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';

function hasSetpriv(): boolean {
  try {
    accessSync(SETPRIV, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const available = hasSetpriv();

/** The command line that runs `bin args` with a parent-death signal, where the system can set one. */
export function diesWithParent(bin: string, args: readonly string[]): [string, string[]] {
  // Without setpriv the child runs as before: it may outlive an interrupted test run.
  return available ? [SETPRIV, ['--pdeathsig', 'SIGTERM', '--', bin, ...args]] : [bin, [...args]];
}

/** True when `log` (the child's stderr) says setpriv could not start the program: a missing binary. */
export function couldNotExecute(log: string): boolean {
  return /^setpriv: failed to execute/m.test(log);
}
