/**
 * `oo up` installs a missing nats-server or git the Debian way when it runs as root. apt-get here is
 * a recording stand-in on a private PATH (a test cannot uninstall the real package); what it
 * "installs" is the real program, which `oo up` then uses.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findOnPath } from '../src/find-binary.js';
import { spawnOo } from './fixtures/oo-process.js';

const ooBin = new URL('../bin/oo.js', import.meta.url).pathname;
const run = promisify(execFile);

/**
 * A private PATH of one folder: links to the real programs `has`, and an apt-get that logs its
 * arguments and links the real `lacks` in on install.
 */
function fakeDebian(has: string[], lacks: string) {
  const bin = mkdtempSync(join(tmpdir(), 'oo-bin-'));
  const log = join(bin, 'apt-get.log');
  const real = (name: string) => findOnPath(name) ?? `/usr/bin/${name}`;
  for (const name of has) symlinkSync(real(name), join(bin, name));
  writeFileSync(
    join(bin, 'apt-get'),
    `#!/bin/sh\necho "$*" >> ${log}\nif [ "$1" = install ]; then /bin/ln -sf ${real(lacks)} ${bin}/${lacks}; fi\n`,
  );
  chmodSync(join(bin, 'apt-get'), 0o755);
  return {
    path: bin,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

const oo = (args: string[], path: string) => spawnOo(args, { PATH: path });

for (const { lacks, has, started, refusal } of [
  {
    lacks: 'nats-server',
    has: ['git'],
    started: /private nats-server/,
    refusal: 'apt-get install nats-server',
  },
  {
    lacks: 'git',
    has: ['nats-server'],
    started: /actor rfm/,
    refusal: 'OO_ERR_RFM_GIT_MISSING: git was not found on PATH',
  },
]) {
  describe(`oo up without ${lacks}`, { timeout: 180_000 }, () => {
    const root = process.getuid?.() === 0;

    it.runIf(root)('installs it with apt-get and starts', async () => {
      const debian = fakeDebian(has, lacks);
      const up = oo(['up', '--data', mkdtempSync(join(tmpdir(), 'oo-up-'))], debian.path);
      try {
        await up.waitForLine(/^OO is up\./, 120_000);
        expect(debian.calls()).toEqual([`install -y ${lacks}`]);
        expect(up.output()).toMatch(started);
      } finally {
        await up.kill('SIGINT');
      }
    });

    it('with --no-install, stops with the command to run and installs nothing', async () => {
      const debian = fakeDebian(has, lacks);
      const data = mkdtempSync(join(tmpdir(), 'oo-up-'));
      const env = { ...process.env, PATH: debian.path, NATS_URL: '' };
      const result = await run(process.execPath, [ooBin, 'up', '--no-install', '--data', data], {
        env,
      }).catch((e: unknown) => e);
      expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining(refusal) });
      expect((result as { stderr: string }).stderr).toContain(`apt-get install ${lacks}`);
      expect(debian.calls()).toEqual([]);
    });
  });
}
