/**
 * The embedded database has one owner: a second process opening the same data folder (two
 * `oo actor` processes without PostgreSQL) is refused naming the owner and DATABASE_URL, and a lock
 * left by a process that is gone is taken over.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { lockPgliteDir, openReadModel } from '../src/open-read-model.js';

const log = pino({ level: 'silent' });
let other: ChildProcess | undefined;
afterEach(() => {
  other?.kill('SIGKILL');
  other = undefined;
});

/** A pid that no process has: one that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
}

describe('the embedded database lock', { timeout: 60_000 }, () => {
  it('refuses a data folder another live process holds, naming it and database.url', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'oo-pglite-lock-'));
    other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    writeFileSync(join(dataDir, 'pglite.lock'), `${other.pid}\n`);
    await expect(openReadModel({ dataDir, log })).rejects.toMatchObject({
      code: 'OO_ERR_CONFIG_INVALID',
      message: expect.stringMatching(new RegExp(`open in process ${other.pid}.*DATABASE_URL`)),
    });
    // The holder's lock is left alone.
    expect(readFileSync(join(dataDir, 'pglite.lock'), 'utf8').trim()).toBe(String(other.pid));
  });

  it('takes over a lock whose process is gone, and gives it up on close', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'oo-pglite-lock-'));
    writeFileSync(join(dataDir, 'pglite.lock'), `${await deadPid()}\n`);
    const readModel = await openReadModel({ dataDir, log });
    expect(readFileSync(join(dataDir, 'pglite.lock'), 'utf8').trim()).toBe(String(process.pid));
    await readModel.close();
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
  });

  it('lets the process that holds it open it again', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'oo-pglite-lock-'));
    const release = lockPgliteDir(dataDir);
    const again = lockPgliteDir(dataDir);
    again();
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(true);
    release();
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
  });
});
