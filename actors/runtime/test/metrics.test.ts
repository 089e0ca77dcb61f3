import { OoError } from '@oo/contracts';
import {
  defineActor,
  escapeLabelValue,
  on,
  renderMetrics,
  startActor,
  startMetricsServer,
} from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newStats } from '../src/stats.js';
import { silentLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

/** The samples of an exposition, `name{labels}` -> value, with HELP/TYPE lines checked on the way. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.trimEnd().split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') typed.add(meta[2] as string);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not an exposition line: ${line}`);
    const name = sample[1] as string;
    const family = name.replace(/_(bucket|sum|count)$/, '');
    if (!typed.has(name) && !typed.has(family)) throw new Error(`sample before its TYPE: ${line}`);
    samples.set(`${name}${sample[2] ?? ''}`, Number(sample[3]));
  }
  return samples;
}

describe('runtime - Prometheus metrics', () => {
  it('counts handled, deferred, failed and dead-lettered deliveries per subject, served over HTTP', async () => {
    const token = freshName();
    const s = testSubjects(token);
    const name = `metrics-${token}`;
    const seen = new Set<number>();
    const handle = await startActor(
      defineActor({
        name,
        version: '1.0.0',
        handlers: [
          on(s.ping, async (ctx, body) => {
            // n = 2 is parked once, n = 3 is refused for good; the rest succeed.
            if (body.n === 2 && !seen.has(2)) {
              seen.add(2);
              return ctx.again(10);
            }
            if (body.n === 3) throw new OoError('OO_ERR_AUTH_FORBIDDEN', 'not yours');
            return undefined;
          }),
        ],
      }),
      { config: testConfig(server.url), log: silentLog },
    );
    const metrics = await startMetricsServer({ host: '127.0.0.1', port: 0, sources: () => [handle] });
    try {
      for (const n of [1, 2, 3, 4]) await handle.publish(s.ping, { n });
      await handle.nats.js.publish(s.ping.name, new TextEncoder().encode('{not json'));

      const labels = `{actor="${name}",instance="${handle.instance}",subject="${s.ping.name}"}`;
      const scrape = async () => {
        const res = await fetch(metrics.url);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
        return parseExposition(await res.text());
      };
      // 1, 4, 2 (parked), 2 again: handled 4; 3 threw; 3 and the bad body dead-lettered.
      const settled = { timeout: 15_000, interval: 100 };
      await expect
        .poll(async () => (await scrape()).get(`oo_messages_dead_lettered_total${labels}`), settled)
        .toBe(2);
      await expect
        .poll(async () => (await scrape()).get(`oo_messages_handled_total${labels}`), settled)
        .toBe(4);
      const samples = await scrape();
      expect(samples.get(`oo_messages_deferred_total${labels}`)).toBe(1);
      expect(samples.get(`oo_messages_failed_total${labels}`)).toBe(1);
      expect(samples.get(`oo_actor_in_flight{actor="${name}",instance="${handle.instance}"}`)).toBe(0);

      // The histogram saw every handler run (4 settled + 1 threw), in cumulative buckets.
      const buckets = [...samples]
        .filter(([key]) => key.startsWith(`oo_handler_duration_seconds_bucket{actor="${name}"`))
        .map(([, value]) => value);
      expect(buckets.length).toBe(10);
      for (let i = 1; i < buckets.length; i++)
        expect(buckets[i]).toBeGreaterThanOrEqual(buckets[i - 1] as number);
      expect(buckets.at(-1)).toBe(5);
      expect(samples.get(`oo_handler_duration_seconds_count${labels}`)).toBe(5);
      expect(samples.get(`oo_handler_duration_seconds_sum${labels}`)).toBeGreaterThan(0);
      expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
      expect(samples.get('process_cpu_seconds_total')).toBeGreaterThan(0);

      // The presence counters are the same numbers.
      expect(handle.stats.handled).toBe(4);
      expect(handle.stats.failed).toBe(1);
    } finally {
      await metrics.close();
      await handle.stop();
    }
  });

  it('answers only GET and HEAD on /metrics: 404 elsewhere, 405 for other methods', async () => {
    const metrics = await startMetricsServer({ host: '127.0.0.1', port: 0, sources: () => [] });
    try {
      const root = new URL('/', metrics.url);
      expect((await fetch(root)).status).toBe(404);
      expect((await fetch(new URL('/metricsx', metrics.url))).status).toBe(404);
      const post = await fetch(metrics.url, { method: 'POST', body: 'x' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      const head = await fetch(metrics.url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect(parseExposition(await (await fetch(`${metrics.url}?x=1`)).text()).size).toBeGreaterThan(0);
    } finally {
      await metrics.close();
    }
  });

  it('says which setting to change when the port is taken', async () => {
    const first = await startMetricsServer({ host: '127.0.0.1', port: 0, sources: () => [] });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startMetricsServer({ host: '127.0.0.1', port, sources: () => [] })).rejects.toThrow(
        expect.objectContaining({
          code: 'OO_ERR_CONFIG_INVALID',
          message: expect.stringMatching(/metrics\.port.*EADDRINUSE/),
        }),
      );
    } finally {
      await first.close();
    }
  });

  it('escapes hostile label values so every line still parses', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const stats = newStats();
    stats.inFlight = 1;
    const text = renderMetrics([{ name: 'x"} 1\nfake_metric 9', instance: 'i\\', stats }]);
    const samples = parseExposition(text);
    expect(samples.has('fake_metric')).toBe(false);
    expect(samples.get('oo_actor_in_flight{actor="x\\"} 1\\nfake_metric 9",instance="i\\\\"}')).toBe(1);
  });
});
