import { OoError } from '@oo/contracts';
import { defineActor, startActor, startSpanInTrace } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from './fixtures/collector.js';
import { memoryTracer, silentLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('runtime - continuing an earlier trace', () => {
  it('starts a span in the given trace, linked to the span that caused it', () => {
    const { tracer, exporter } = memoryTracer();
    const cause = tracer.startSpan('rerun command');
    startSpanInTrace(tracer, TRACE, 'rerun', { link: cause }).end();
    cause.end();
    const rerun = exporter.getFinishedSpans().find((span) => span.name === 'rerun');
    expect(rerun?.spanContext().traceId).toBe(TRACE);
    expect(rerun?.links.map((link) => link.context.spanId)).toEqual([cause.spanContext().spanId]);
    expect(cause.spanContext().traceId).not.toBe(TRACE);
  });

  it('refuses a trace id that is not 32 lower-case hex digits', () => {
    const { tracer } = memoryTracer();
    expect(() => startSpanInTrace(tracer, 'nope', 'x')).toThrow(OoError);
    expect(() => startSpanInTrace(tracer, '0'.repeat(32), 'x')).toThrow(/not a W3C trace id/);
  });

  it('publishes a message the consumer sees in the given trace', async () => {
    const { tracer } = memoryTracer();
    const s = testSubjects(freshName());
    const got = await collect(server.url, s.ping);
    const client = await startActor(defineActor({ name: freshName('client-'), version: '1.0.0' }), {
      config: testConfig(server.url),
      log: silentLog,
      tracer,
    });
    const span = startSpanInTrace(tracer, TRACE, 'continue');
    const sent = await client.publish(s.ping, { n: 1 }, { span });
    span.end();
    const [item] = await got.waitFor(1);
    expect(sent.traceId).toBe(TRACE);
    expect(item?.ctx.traceId).toBe(TRACE);
    expect(item?.ctx.headers.traceparent).toMatch(new RegExp(`^00-${TRACE}-`));
    await client.stop();
    await got.handle.stop();
  });
});
