import { type ActorEnv, defineActor, on, startActor } from '@oo/runtime';
import { freshName, startNatsServer } from '@oo/test-harness';
import { describe, expect, it } from 'vitest';
import { silentLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

describe('runtime - nats-server restart', () => {
  it('reconnects after the server is killed and restarted mid-stream, and loses nothing published', async () => {
    const server = await startNatsServer();
    const token = freshName();
    const s = testSubjects(token);
    const handled = new Set<number>();
    let env!: ActorEnv;
    const actor = await startActor(
      defineActor({
        name: `survivor-${token}`,
        version: '1.0.0',
        setup: async (given) => {
          env = given;
          return {};
        },
        handlers: [
          on(s.ping, async (_ctx, body) => {
            handled.add(body.n);
            return undefined;
          }),
        ],
      }),
      { config: testConfig(server.url), log: silentLog },
    );
    for (let n = 0; n < 50; n++) await actor.publish(s.ping, { n });
    await expect.poll(() => handled.size).toBe(50);
    const liveFrom = await env.heardLiveFrom(s.ping.stream);
    await server.kill();
    await server.restart();
    // Published after the restart: the client must have reconnected and the consumer resumed pulling.
    for (let n = 50; n < 100; n++) {
      await expect
        .poll(
          () =>
            actor.publish(s.ping, { n }).then(
              () => true,
              () => false,
            ),
          { timeout: 10_000 },
        )
        .toBe(true);
    }
    await expect.poll(() => handled.size, { timeout: 20_000 }).toBe(100);
    // What was sent while it was away went unheard: its live subscriptions count from the reconnect.
    expect(await env.heardLiveFrom(s.ping.stream)).toBeGreaterThan(liveFrom);
    await actor.stop();
    await server.stop();
  });
});
