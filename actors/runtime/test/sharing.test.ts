import { defineActor, on, startActor } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

describe('runtime - replicas', () => {
  it('two instances of one actor share the work and handle each message once', async () => {
    const token = freshName();
    const s = testSubjects(token);
    const handledBy = new Map<number, string[]>();
    const definition = defineActor({
      name: `shared-${token}`,
      version: '1.0.0',
      handlers: [
        on(
          s.ping,
          async (ctx, body) => {
            handledBy.set(body.n, [...(handledBy.get(body.n) ?? []), ctx.instance]);
            await new Promise((r) => setTimeout(r, 2));
            return undefined;
          },
          { concurrency: 4 },
        ),
      ],
    });
    const a = await startActor(definition, { config: testConfig(server.url), log: silentLog });
    const b = await startActor(definition, { config: testConfig(server.url), log: silentLog });
    const total = 400;
    await Promise.all(Array.from({ length: total }, (_, n) => a.publish(s.ping, { n })));
    await expect.poll(() => handledBy.size, { timeout: 15_000 }).toBe(total);
    expect([...handledBy.values()].every((who) => who.length === 1)).toBe(true);
    const byInstance = new Set([...handledBy.values()].map((who) => who[0]));
    expect(byInstance).toEqual(new Set([a.instance, b.instance]));
    await Promise.all([a.stop(), b.stop()]);
  });
});
