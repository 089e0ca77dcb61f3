import { defineActor, on, startActor } from '@oo/runtime';
import { freshName, type NatsServer, spawnTsx, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from './fixtures/otlp-receiver.js';
import { memoryTracer, silentLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

const relay = new URL('./fixtures/relay-process.ts', import.meta.url).pathname;

describe('runtime - tracing across processes', () => {
  it('links the spans of two actors in two processes as parent and child of one trace', async () => {
    const otlp = await startOtlpReceiver();
    const token = freshName();
    const s = testSubjects(token);
    const child = spawnTsx(relay, {
      NATS_URL: server.url,
      TOKEN: token,
      ROLE: 'relay',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    });
    await child.waitForLine(/^ready /);

    const { tracer, exporter } = memoryTracer();
    let received!: (traceId: string) => void;
    const pongTrace = new Promise<string>((r) => {
      received = r;
    });
    const here = await startActor(
      defineActor({
        name: `tail-${token}`,
        version: '1.0.0',
        handlers: [
          on(s.pong, async (ctx) => {
            received(ctx.traceId);
            return undefined;
          }),
        ],
      }),
      { config: testConfig(server.url), log: silentLog, tracer },
    );
    const sent = await here.publish(s.ping, { n: 1 });
    expect(await pongTrace).toBe(sent.traceId);
    // SIGTERM makes the child flush its span processor before exiting.
    expect(await child.kill('SIGTERM')).toBe(0);
    await expect.poll(() => otlp.spans.length, { timeout: 5_000 }).toBeGreaterThan(0);

    const local = exporter.getFinishedSpans();
    const publishSpan = local.find((sp) => sp.name === `${s.ping.name} publish`);
    const remote = otlp.spans.find((sp) => sp.name === `${s.ping.name} process`);
    const tail = local.find((sp) => sp.name === `${s.pong.name} process`);
    expect(publishSpan?.spanContext().traceId).toBe(sent.traceId);
    expect(remote).toMatchObject({ traceId: sent.traceId, parentSpanId: publishSpan?.spanContext().spanId });
    expect(remote?.service).toBe('oo-test-relay');
    expect(tail?.spanContext().traceId).toBe(sent.traceId);
    expect(tail?.parentSpanContext?.spanId).toBe(remote?.spanId);
    await here.stop();
    await otlp.stop();
  });
});
