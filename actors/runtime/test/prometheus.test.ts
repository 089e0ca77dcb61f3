/**
 * The metrics endpoint against the real Prometheus (Debian's `prometheus` package, installed by
 * test/run-all.sh): promtool lints a live exposition and checks deploy/prometheus/, and a
 * Prometheus server scrapes an actor, answers a query with what the actor counted, and answers
 * every query of the Grafana dashboard (deploy/grafana/).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defineActor, on, startActor, startMetricsServer } from '@oo/runtime';
import {
  freePort,
  freshName,
  type NatsServer,
  requireTool,
  startNatsServer,
  waitFor,
} from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

const run = promisify(execFile);
const deployDir = new URL('../../../deploy/prometheus/', import.meta.url).pathname;
const dashboardFile = new URL('../../../deploy/grafana/oo-dashboard.json', import.meta.url).pathname;

let server: NatsServer;
beforeAll(async () => {
  requireTool('promtool', 'prometheus');
  requireTool('prometheus', 'prometheus');
  server = await startNatsServer();
});
afterAll(() => server?.stop());

/** An actor that handled `count` pings, and its metrics endpoint. */
async function pingedActor(count: number) {
  const token = freshName();
  const s = testSubjects(token);
  let handled = 0;
  const handle = await startActor(
    defineActor({
      name: `prom-${token}`,
      version: '1.0.0',
      handlers: [
        on(s.ping, async () => {
          handled++;
          return undefined;
        }),
      ],
    }),
    { config: testConfig(server.url), log: silentLog },
  );
  const metrics = await startMetricsServer({ host: '127.0.0.1', port: 0, sources: () => [handle] });
  for (let n = 0; n < count; n++) await handle.publish(s.ping, { n });
  await waitFor(() => handled === count, { timeoutMs: 10_000, what: `${count} pings handled` });
  return {
    handle,
    metrics,
    subject: s.ping.name,
    async stop() {
      await metrics.close();
      await handle.stop();
    },
  };
}

describe('runtime - metrics as Prometheus reads them', { timeout: 60_000 }, () => {
  it('passes promtool check metrics (names, HELP and TYPE, histogram shape)', async () => {
    const actor = await pingedActor(3);
    try {
      const exposition = await (await fetch(actor.metrics.url)).text();
      const lint = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      lint.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      lint.stderr.on('data', (c: Buffer) => {
        out += c.toString();
      });
      lint.stdin.end(exposition);
      const code = await new Promise<number | null>((resolve) => lint.once('exit', resolve));
      expect({ code, out }).toEqual({ code: 0, out: '' });
    } finally {
      await actor.stop();
    }
  });

  it("checks deploy/prometheus: the scrape config, the alert rules and the rules' own tests", async () => {
    const config = await run('promtool', ['check', 'config', join(deployDir, 'prometheus.yml')]);
    expect(config.stdout).toMatch(/SUCCESS: 4 rules found/);
    const tests = await run('promtool', ['test', 'rules', 'oo-alerts.test.yml'], { cwd: deployDir });
    expect(tests.stdout).toMatch(/SUCCESS/);
  });

  it('a real Prometheus scrapes an actor and answers a query with what it counted', async () => {
    const actor = await pingedActor(7);
    const dir = mkdtempSync(join(tmpdir(), 'oo-prom-'));
    const port = await freePort();
    const target = new URL(actor.metrics.url).host;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: oo\n    static_configs:\n      - targets: ['${target}']\n`,
    );
    const prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => prometheus.once('exit', resolve));
    try {
      /** This Prometheus's answer to an instant query: its series, an error, or undefined until it is up. */
      const query = async (expr: string) => {
        const url = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expr)}`;
        const res = await fetch(url).catch(() => undefined);
        const body = (await res?.json().catch(() => undefined)) as
          | { status: string; error?: string; data?: { result: Array<{ value: [number, string] }> } }
          | undefined;
        if (!body) return undefined;
        return body.status === 'success' ? (body.data?.result ?? []) : `error: ${body.error}`;
      };
      const handled = `oo_messages_handled_total{job="oo",actor="${actor.handle.name}",subject="${actor.subject}"}`;
      const value = async () => {
        const answer = await query(handled);
        return Array.isArray(answer) ? answer[0]?.value[1] : answer;
      };
      await expect.poll(value, { timeout: 30_000, interval: 250 }).toBe('7');

      // Every panel of the Grafana dashboard is a query this Prometheus answers with series.
      const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
        panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      };
      const queries = dashboard.panels.flatMap((p) =>
        p.targets.map((t) => ({ title: p.title, expr: t.expr })),
      );
      expect(queries.length).toBeGreaterThanOrEqual(9);
      for (const { title, expr } of queries) {
        const series = async () => {
          const answer = await query(expr);
          return Array.isArray(answer) ? answer.length : `${title}: ${answer}`;
        };
        await expect.poll(series, { timeout: 15_000, interval: 250, message: title }).toBeGreaterThan(0);
      }
    } finally {
      prometheus.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      await actor.stop();
    }
  });
});
