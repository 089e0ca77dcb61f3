import { defineActor, on, startActor } from '@oo/runtime';
import { freshName, type NatsServer, spawnTsx, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from './fixtures/collector.js';
import { silentLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

const relay = new URL('./fixtures/relay-process.ts', import.meta.url).pathname;

describe('runtime - graceful stop', () => {
  it('finishes the message in flight when stopped, and leaves nothing unacked', async () => {
    const token = freshName();
    const s = testSubjects(token);
    const pongs = await collect(server.url, s.pong);
    let started!: () => void;
    const inHandler = new Promise<void>((r) => {
      started = r;
    });
    const actor = await startActor(
      defineActor({
        name: `slow-${token}`,
        version: '1.0.0',
        handlers: [
          on(s.ping, async (ctx, body) => {
            started();
            await new Promise((r) => setTimeout(r, 500));
            await ctx.publish(s.pong, { n: body.n, by: 'slow' });
            return undefined;
          }),
        ],
      }),
      { config: testConfig(server.url), log: silentLog },
    );
    await actor.publish(s.ping, { n: 9 });
    await inHandler;
    await actor.stop();
    const [pong] = await pongs.waitFor(1);
    expect(pong?.body).toEqual({ n: 9, by: 'slow' });
    const info = await pongs.handle.nats.jsm.consumers.info('OO_CMD', `slow-${token}__oo_cmd_${token}_ping`);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    await pongs.handle.stop();
  });

  it('exits 0 on SIGTERM after completing in-flight work in a real process', async () => {
    const token = freshName();
    const s = testSubjects(token);
    const pongs = await collect(server.url, s.pong);
    const child = spawnTsx(relay, { NATS_URL: server.url, TOKEN: token, ROLE: 'slow', SLOW_MS: '800' });
    await child.waitForLine(/^ready /);
    await pongs.handle.publish(s.ping, { n: 1 });
    // Wait until the process holds the message, then ask it to stop.
    await new Promise((r) => setTimeout(r, 300));
    const code = await child.kill('SIGTERM');
    expect(code).toBe(0);
    const [pong] = await pongs.waitFor(1, 2_000);
    expect(pong?.body.n).toBe(1);
    await pongs.handle.stop();
  });
  it('stop ends once the drain timeout has passed, even if a handler ignores its signal', async () => {
    const token = freshName();
    const s = testSubjects(token);
    let started!: () => void;
    const inHandler = new Promise<void>((r) => {
      started = r;
    });
    let release!: () => void;
    const hung = new Promise<void>((r) => {
      release = r;
    });
    const actor = await startActor(
      defineActor({
        name: `stuck-${token}`,
        version: '1.0.0',
        handlers: [
          on(s.ping, async () => {
            started();
            // A call that does not return in time and never looks at ctx.signal (a hung socket, say).
            await hung;
            return undefined;
          }),
        ],
      }),
      { config: testConfig(server.url, 300), log: silentLog },
    );
    await actor.publish(s.ping, { n: 1 });
    await inHandler;
    const stopped = actor.stop().then(() => 'stopped');
    const late = new Promise((r) => setTimeout(() => r('still stopping'), 5_000).unref());
    expect(await Promise.race([stopped, late])).toBe('stopped');
    // The handler left behind ends after the connection closed: its ack cannot be sent, and that
    // must not throw out of the runtime's timers (an uncaught exception ends the process).
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.prependListener('uncaughtException', onUncaught);
    release();
    await new Promise((r) => setTimeout(r, 200));
    process.removeListener('uncaughtException', onUncaught);
    expect(uncaught).toEqual([]);
  });
});
