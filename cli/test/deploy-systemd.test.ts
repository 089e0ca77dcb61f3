/**
 * deploy/systemd: systemd itself checks the units (`systemd-analyze verify`), and the actor unit's
 * command line, with /opt/oo pointing at this checkout and the example environment, starts an actor
 * that the unit's stop signal drains and stops cleanly.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEPLOYED_NODE_FLAGS, type NatsServer, spawnCompiled, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const unitsDir = new URL('../../deploy/systemd/', import.meta.url).pathname;
const repoRoot = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');

/** `KEY=value` lines of an environment file, comments and blanks skipped. */
function envFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1] as string] = match[2] as string;
  }
  return env;
}

/** The value of `key=` in a unit file (the first one). */
function directive(unit: string, key: string): string {
  const line = unit.split('\n').find((l) => l.startsWith(`${key}=`));
  if (!line) throw new Error(`no ${key}= in the unit`);
  return line.slice(key.length + 1);
}

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

describe('deploy/systemd', { timeout: 90_000 }, () => {
  it('has units systemd accepts, the actor template instantiated as systemctl would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oo-units-'));
    copyFileSync(join(unitsDir, 'oo-actor@.service'), join(dir, 'oo-actor@runner.service'));
    copyFileSync(join(unitsDir, 'oo-nats.service'), join(dir, 'oo-nats.service'));
    const verified = await run('systemd-analyze', [
      'verify',
      join(dir, 'oo-actor@runner.service'),
      join(dir, 'oo-nats.service'),
    ]);
    expect(verified.stderr).toBe('');
  });

  it("runs an actor with the unit's command line and example environment, and stops it with its signal", async () => {
    const unit = readFileSync(join(unitsDir, 'oo-actor@.service'), 'utf8');
    const [command, ...args] = directive(unit, 'ExecStart')
      .replaceAll('%i', 'runner')
      .replaceAll('/opt/oo', repoRoot)
      .split(' ');
    expect(command).toBe('node');
    // The unit's node flags are the ones every compiled process of the tests runs with.
    expect(args.slice(0, DEPLOYED_NODE_FLAGS.length)).toEqual(DEPLOYED_NODE_FLAGS);
    const [script, ...rest] = args.slice(DEPLOYED_NODE_FLAGS.length);
    const env = {
      ...envFile(join(unitsDir, 'oo.env.example')),
      NATS_URL: server.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OO_DATA_DIR: mkdtempSync(join(tmpdir(), 'oo-unit-data-')),
    };
    const actor = spawnCompiled(script as string, env, rest);
    try {
      await actor.waitForLine(/"msg":"actor started"/, 60_000);
    } finally {
      const signal = directive(unit, 'KillSignal') as NodeJS.Signals;
      expect(await actor.kill(signal)).toBe(0);
    }
    expect(actor.output()).toMatch(/"msg":"actor stopped"/);
  });
});
