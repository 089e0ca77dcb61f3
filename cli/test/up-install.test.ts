/**
 * `oo up` installs a missing nats-server the Debian way when it runs as root. apt-get here is a
 * recording stand-in on a private PATH (a test cannot uninstall the real package); what it
 * "installs" is the real nats-server, which `oo up` then starts.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findOnPath } from '../src/find-binary.js';
import { spawnOo } from './fixtures/oo-process.js';

const ooBin = new URL('../bin/oo.js', import.meta.url).pathname;
const run = promisify(execFile);
const realNatsServer = findOnPath('nats-server') ?? '/usr/sbin/nats-server';

/** A bin folder whose apt-get logs its arguments and links the real nats-server in on install. */
function fakeDebian() {
  const bin = mkdtempSync(join(tmpdir(), 'oo-bin-'));
  const log = join(bin, 'apt-get.log');
  writeFileSync(
    join(bin, 'apt-get'),
    `#!/bin/sh\necho "$*" >> ${log}\nif [ "$1" = install ]; then ln -sf ${realNatsServer} ${bin}/nats-server; fi\n`,
  );
  chmodSync(join(bin, 'apt-get'), 0o755);
  return {
    path: `${bin}:/usr/bin:/bin`,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

const oo = (args: string[], path: string) => spawnOo(args, { PATH: path });

describe('oo up without nats-server', { timeout: 180_000 }, () => {
  const root = process.getuid?.() === 0;

  it.runIf(root)('installs it with apt-get and starts', async () => {
    const debian = fakeDebian();
    const up = oo(['up', '--data', mkdtempSync(join(tmpdir(), 'oo-up-'))], debian.path);
    try {
      await up.waitForLine(/^OO is up\./, 120_000);
      expect(debian.calls()).toEqual(['install -y nats-server']);
      expect(up.output()).toMatch(/private nats-server/);
    } finally {
      await up.kill('SIGINT');
    }
  });

  it('with --no-install, stops with the command to run and installs nothing', async () => {
    const debian = fakeDebian();
    const data = mkdtempSync(join(tmpdir(), 'oo-up-'));
    const env = { ...process.env, PATH: debian.path, NATS_URL: '' };
    const result = await run(process.execPath, [ooBin, 'up', '--no-install', '--data', data], { env }).catch(
      (e: unknown) => e,
    );
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('apt-get install nats-server') });
    expect(debian.calls()).toEqual([]);
  });
});
