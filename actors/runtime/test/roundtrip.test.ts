import { DeadLetter, subject } from '@oo/contracts';
import { type ActorContext, defineActor, on, startActor } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { collect } from './fixtures/collector.js';
import { memoryTracer, silentLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

describe('runtime - typed round trip', () => {
  it('delivers a validated body to the handler, whose publish reaches the next actor with the same trace', async () => {
    const token = freshName();
    const s = testSubjects(token);
    const pongs = await collect(server.url, s.pong);
    const { tracer, exporter } = memoryTracer();
    const relay = await startActor(
      defineActor({
        name: `relay-${token}`,
        version: '1.0.0',
        handlers: [
          on(s.ping, async (ctx, body) => {
            expectTypeOf(body).toEqualTypeOf<{ n: number; note?: string | undefined }>();
            await ctx.publish(s.pong, { n: body.n * 2, by: ctx.actor });
            return undefined;
          }),
        ],
      }),
      { config: testConfig(server.url), log: silentLog, tracer },
    );
    const sent = await relay.publish(s.ping, { n: 21 }, { ids: { requestId: 'req_test' } });
    const [got] = await pongs.waitFor(1);
    expect(got?.body).toEqual({ n: 42, by: `relay-${token}` });
    expect(got?.ctx.traceId).toBe(sent.traceId);
    expect(got?.ctx.requestId).toBe('req_test');
    expect(got?.ctx.headers['oo-schema']).toBe(`${s.pong.name}@1`);
    // The delivery span ends after the handler returns, which may be just after the pong arrives.
    const process = await vi.waitUntil(() =>
      exporter.getFinishedSpans().find((sp) => sp.name === `${s.ping.name} process`),
    );
    expect(process?.spanContext().traceId).toBe(sent.traceId);
    expect(process?.attributes['oo.request.id']).toBe('req_test');
    await relay.stop();
    await pongs.handle.stop();
  });

  it('refuses to publish a body that does not match the subject, naming the field', async () => {
    const s = testSubjects(freshName());
    const a = await startActor(defineActor({ name: freshName('p-'), version: '1.0.0' }), {
      config: testConfig(server.url),
      log: silentLog,
    });
    // @ts-expect-error n must be a number: the wrong body does not compile.
    const wrong: Parameters<typeof a.publish<typeof s.ping>>[1] = { n: 'one' };
    await expect(a.publish(s.ping, wrong)).rejects.toMatchObject({
      code: 'OO_ERR_MSG_SCHEMA',
      message: /n: /,
    });
    await a.stop();
  });

  it('types handler bodies from the subject schema', () => {
    const s = testSubjects('types');
    const def = on(s.pong, async (_ctx: ActorContext, body) => {
      expectTypeOf(body.by).toBeString();
      return undefined;
    });
    expectTypeOf(def.subject.name).toEqualTypeOf<`oo.evt.${string}.pong`>();
    expectTypeOf(subject('oo.dlq.x', DeadLetter).schema).toEqualTypeOf<typeof DeadLetter>();
  });
});
