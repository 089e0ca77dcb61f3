import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineSubjects, newId, type PresenceEntry } from '@oo/contracts';
import { defineActor, on, RuntimeConfig, startActor } from '@oo/runtime';
import { waitFor } from '@oo/test-harness';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { UpFile } from '../src/index.js';
import { spawnOo } from './fixtures/oo-process.js';

const oo = (args: string[], env: Record<string, string> = {}) => spawnOo(args, env);
const shippedTemplates = new URL('../../templates', import.meta.url).pathname;

describe('oo up', { timeout: 240_000 }, () => {
  it('starts a private nats-server and every actor, writes up.json 0600, runs a workflow end to end, takes a template file added meanwhile and keeps it through a bad edit', async () => {
    const data = mkdtempSync(join(tmpdir(), 'oo-up-'));
    const templates = join(data, 'templates');
    cpSync(shippedTemplates, templates, { recursive: true });
    const up = oo(['up', '--data', data], { OO_TEMPLATES_DIR: templates });
    try {
      await up.waitForLine(/^OO is up\./, 120_000);
      const file = join(data, 'up.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const info = UpFile.parse(JSON.parse(readFileSync(file, 'utf8')));
      expect(info.nats).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);

      const config = RuntimeConfig.parse({ nats: { url: info.nats }, log: { level: 'silent' } });
      const ended: string[] = [];
      const watcher = await startActor(
        defineActor({
          name: 'up-test-watcher',
          version: '0.0.0',
          handlers: [
            on(EngineSubjects.runEvents, async (_ctx, e) => {
              if (e.status !== 'running') ended.push(`${e.runId}:${e.status}`);
              return undefined;
            }),
          ],
        }),
        { config, log: pino({ level: 'silent' }) },
      );
      const runId = newId('run');
      await watcher.publish(EngineSubjects.start, { runId, template: 'diamond', input: { label: 'up' } });
      await waitFor(() => ended.includes(`${runId}:succeeded`), {
        timeoutMs: 20_000,
        what: 'the diamond run',
      });

      // The Prometheus endpoint counted what the engine and the runner handled for that run (the
      // runner counts a task once its end event is acked, a moment after the engine may hear it).
      expect(info.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const handled = async (actor: string, subject: string) => {
        const text = await (await fetch(info.metrics as string)).text();
        const line = text
          .split('\n')
          .find(
            (l) =>
              l.startsWith(`oo_messages_handled_total{actor="${actor}",`) &&
              l.includes(`subject="${subject}"`),
          );
        return Number(line?.split(' ').at(-1) ?? -1);
      };
      await expect
        .poll(() => handled('engine', 'oo.cmd.engine.start'), { timeout: 15_000 })
        .toBeGreaterThanOrEqual(1);
      await expect
        .poll(() => handled('runner', 'oo.task.noop'), { timeout: 15_000 })
        .toBeGreaterThanOrEqual(5);

      // A template written while OO runs: listed by the gateway and run by the engine, no restart.
      writeFileSync(
        join(templates, 'added.json'),
        JSON.stringify({
          name: 'added',
          version: 1,
          description: 'written while oo up ran',
          tasks: { only: { type: 'noop', input: { n: 1 } } },
        }),
      );
      const listedItems = async () => {
        const res = await fetch(`${info.gateway}/v1/templates`, {
          headers: { authorization: `Bearer ${info.adminToken}` },
        });
        return ((await res.json()) as { items: Array<{ name: string; description: string }> }).items;
      };
      const listed = async () => (await listedItems()).find((t) => t.name === 'added')?.description;
      const listedNames = async () => (await listedItems()).map((t) => t.name);
      await expect.poll(listed, { timeout: 15_000 }).toBe('written while oo up ran');
      // `oo templates list` reads the same list, through the gateway oo up runs.
      const list = oo(['templates', 'list', '--data', data]);
      expect(await list.exited()).toBe(0);
      expect(list.output()).toMatch(/^NAME +VERSION +DESCRIPTION\n/);
      expect(list.output()).toMatch(/^added +1 +written while oo up ran$/m);
      // The engine reads the folder on its own: until it has, a start of `added` is refused.
      const endOfRun = async (template: string) => {
        const runId = newId('run');
        await watcher.publish(EngineSubjects.start, { runId, template, input: {} });
        return waitFor(() => ended.find((e) => e.startsWith(`${runId}:`)), { what: `run ${runId} to end` });
      };
      await waitFor(async () => (await endOfRun('added')).endsWith(':succeeded'), {
        timeoutMs: 20_000,
        what: 'a run of the template added while oo up ran to succeed',
      });
      // A bad edit of it is refused, and what the file held stays: listed, and run.
      writeFileSync(join(templates, 'added.json'), '{"name": "added", "version": 1, "tasks": {');
      writeFileSync(
        join(templates, 'marker.json'),
        JSON.stringify({ name: 'marker', version: 1, tasks: { only: { type: 'noop' } } }),
      );
      await waitFor(async () => (await endOfRun('marker')).endsWith(':succeeded'), {
        timeoutMs: 20_000,
        what: 'the engine to read the folder after the bad edit',
      });
      await expect.poll(() => listedNames(), { timeout: 15_000 }).toContain('marker');
      expect(await listed()).toBe('written while oo up ran');
      expect(await endOfRun('added')).toMatch(/:succeeded$/);

      const status = oo(['status', '--data', data]);
      expect(await status.waitForLine(/^engine\s/, 15_000)).toMatch(/^engine\s+inst_/);
      expect(status.output()).toMatch(/^runner\s+inst_/m);
      await status.exited();
      // The refused edit is the engine's last error (in its next presence beat): its code in the
      // table, what happened below it.
      const statusNow = async () => {
        const again = oo(['status', '--data', data]);
        await again.exited();
        return again.output();
      };
      await expect
        .poll(statusNow, { timeout: 15_000 })
        .toMatch(/^last errors:\n( {2}.*\n)* {2}engine inst_\S+, \d+ s ago: OO_ERR_\w+ \S*added\.json: /m);
      expect(await statusNow()).toMatch(/^engine\s+inst_\S+(\s+\S+){6}\s+\d+ s ago\s+OO_ERR_\w+$/m);
      const asJson = oo(['status', '--json', '--data', data]);
      expect(await asJson.exited()).toBe(0);
      const { items } = JSON.parse(asJson.output()) as { items: PresenceEntry[] };
      expect(items.find((e) => e.actor === 'engine')?.lastError?.message).toMatch(/added\.json: /);
      await watcher.stop();
    } finally {
      expect(await up.kill('SIGTERM')).toBe(0);
    }
  });
});
