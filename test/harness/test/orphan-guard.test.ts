/**
 * A child the harness spawned stops when the process that spawned it is killed -9, instead of
 * running on as an orphan: a parent script spawns a child that would otherwise live for ever.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildHandle, spawnTsx, waitFor } from '../src/index.js';

/** Running, not gone nor a zombie waiting for whoever adopted it to reap it. */
const isAlive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

const dir = tmpdir();
const childFile = join(dir, `oo-orphan-child-${process.pid}.ts`);
const parentFile = join(dir, `oo-orphan-parent-${process.pid}.mts`);
const doneFile = join(dir, `oo-orphan-done-${process.pid}.ts`);
const natsParentFile = join(dir, `oo-orphan-nats-parent-${process.pid}.mts`);
writeFileSync(childFile, "setInterval(() => undefined, 1_000);\nconsole.log('child up');\n");
writeFileSync(doneFile, "console.log('done');\n");
writeFileSync(
  parentFile,
  `import { spawnTsx } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname)};
const child = spawnTsx(${JSON.stringify(childFile)});
await child.waitForLine(/child up/);
console.log('child ' + child.pid);
setInterval(() => undefined, 1_000);
`,
);

writeFileSync(
  natsParentFile,
  `import { startNatsServer } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname)};
const server = await startNatsServer();
console.log('store ' + server.storeDir);
setInterval(() => undefined, 1_000);
`,
);

/** The pid of the nats-server using `storeDir`, found by its command line. */
function natsServerPid(storeDir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((a) => a.endsWith('nats-server')) && args.includes(storeDir)) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

let parent: ChildHandle | undefined;
afterEach(async () => {
  await parent?.kill('SIGKILL');
});

describe('harness - orphan guard', () => {
  it('stops a spawned child once the process that spawned it is killed -9', async () => {
    parent = spawnTsx(parentFile);
    const pid = Number((await parent.waitForLine(/^child \d+/, 30_000)).split(' ')[1]);
    expect(isAlive(pid)).toBe(true);
    await parent.kill('SIGKILL');
    await waitFor(() => !isAlive(pid), {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'the orphaned child to stop',
    });
  });

  it('stops a nats-server once the process that started it is killed -9', async () => {
    parent = spawnTsx(natsParentFile);
    const storeDir = (await parent.waitForLine(/^store /, 30_000)).slice('store '.length).trim();
    const pid = natsServerPid(storeDir);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid!)).toBe(true);
    await parent.kill('SIGKILL');
    await waitFor(() => !isAlive(pid!), {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'the orphaned nats-server to stop',
    });
  });

  it('lets a child with nothing left to do exit on its own', async () => {
    const done = spawnTsx(doneFile);
    expect(await done.exited()).toBe(0);
  });
});
