import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PresenceEntry } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { presenceTable } from '../src/index.js';

const run = promisify(execFile);
const oo = new URL('../bin/oo.js', import.meta.url).pathname;

const entry: PresenceEntry = {
  actor: 'engine',
  instance: 'inst_1',
  host: 'h',
  pid: 7,
  versions: { node: 'v20', actor: '0.1.0', runtime: '0.1.0' },
  startedAt: '2026-01-01T00:00:00.000Z',
  heartbeatAt: '2026-01-01T00:00:05.000Z',
  inFlight: 1,
  handled: 10,
  failed: 2,
  deadLettered: 3,
  lastError: { code: 'OO_ERR_TIMEOUT', message: 'x', at: '2026-01-01T00:00:04.000Z' },
};

describe('oo command', () => {
  it('prints the presence table with one row per instance', () => {
    // An instance of a build before dead letters were counted in presence: 0, not a gap.
    const { deadLettered: _, ...older } = { ...entry, instance: 'inst_0' };
    const table = presenceTable([entry, older], Date.parse('2026-01-01T00:00:07.000Z')).split('\n');
    expect(table[0]).toMatch(
      /^ACTOR\s+INSTANCE\s+HOST\s+PID\s+IN-FLIGHT\s+HANDLED\s+FAILED\s+DEAD-LETTERED\s+SEEN\s+LAST ERROR$/,
    );
    expect(table[1]).toMatch(/^engine\s+inst_1\s+h\s+7\s+1\s+10\s+2\s+3\s+2 s ago\s+OO_ERR_TIMEOUT$/);
    expect(table[2]).toMatch(/^engine\s+inst_0\s+h\s+7\s+1\s+10\s+2\s+0\s+2 s ago\s+OO_ERR_TIMEOUT$/);
  });

  it("prints each instance's last error in full under the table, its control characters escaped", () => {
    // Met two hours before: said in hours, not in seconds.
    const hostile = {
      code: 'OO_ERR_MSG_INVALID_JSON',
      message: 'body \u001b[2J',
      at: '2025-12-31T22:00:00.000Z',
    };
    const quiet = { ...entry, instance: 'inst_2', lastError: undefined };
    const lines = presenceTable(
      [entry, quiet, { ...entry, instance: 'inst_3', lastError: hostile }],
      Date.parse('2026-01-01T00:00:07.000Z'),
    ).split('\n');
    expect(lines.slice(4)).toEqual([
      '',
      'last errors:',
      '  engine inst_1, 3 s ago: OO_ERR_TIMEOUT x',
      '  engine inst_3, 2 h ago: OO_ERR_MSG_INVALID_JSON body \\u001b[2J',
    ]);
    expect(presenceTable([quiet]).split('\n')).toHaveLength(2);
  });

  it('tells which Debian package to install when nats-server is missing', async () => {
    const data = mkdtempSync(join(tmpdir(), 'oo-up-'));
    const env = { ...process.env, PATH: '/nonexistent', NATS_URL: '' };
    const result = await run(process.execPath, [oo, 'up', '--data', data], { env }).catch((e: unknown) => e);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('apt-get install nats-server') });
  });

  it('refuses an unknown actor name, listing the known ones', async () => {
    const result = await run(process.execPath, [oo, 'actor', 'nope']).catch((e: unknown) => e);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown actor "nope"') });
  });

  it('takes the data folder from OO_DATA_DIR, as oo actor does, unless --data says otherwise', async () => {
    const data = mkdtempSync(join(tmpdir(), 'oo-data-'));
    const env = { ...process.env, OO_DATA_DIR: data, OO_GATEWAY_URL: '', OO_TOKEN: '' };
    const fromEnv = await run(process.execPath, [oo, 'request', 'list'], { env }).catch((e: unknown) => e);
    expect(fromEnv).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`start \`oo up\` (it writes ${data}/up.json)`),
    });
    const other = mkdtempSync(join(tmpdir(), 'oo-data-'));
    const fromFlag = await run(process.execPath, [oo, 'request', 'list', '--data', other], { env }).catch(
      (e: unknown) => e,
    );
    expect(fromFlag).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`(it writes ${other}/up.json)`),
    });
  });
});

describe('oo token create outside a deployment environment', () => {
  it('says a --nats token without OO_AUTH_SECRET is signed with the data folder secret of oo up only', async () => {
    const data = mkdtempSync(join(tmpdir(), 'oo-token-'));
    const env = { ...process.env, OO_AUTH_SECRET: '' };
    const args = [oo, 'token', 'create', '--role', 'service', '--name', 'm', '--nats', '--data', data];
    const unset = await run(process.execPath, args, { env });
    expect(unset.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+/);
    expect(unset.stderr).toContain('no auth.secret (OO_AUTH_SECRET) set');
    const set = await run(process.execPath, args, {
      env: { ...env, OO_AUTH_SECRET: 'token-test-secret-0123456789abcdefgh' },
    });
    expect(set.stderr).toBe('');
  });

  it('says an API token without DATABASE_URL went to the embedded database', {
    timeout: 120_000,
  }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'oo-token-'));
    const env = { ...process.env, DATABASE_URL: '' };
    const args = [oo, 'token', 'create', '--role', 'admin', '--name', 'a', '--data', data];
    const { stdout, stderr } = await run(process.execPath, args, { env });
    expect(stdout).toMatch(/^oo_tok_/);
    expect(stderr).toContain(
      `no database.url (DATABASE_URL) set: token stored in the embedded database in ${data}/pglite`,
    );
  });
});
