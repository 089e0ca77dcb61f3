import { BucketNames, PresenceEntry } from '@oo/contracts';
import { connectNats, defineActor, jsonBucket, readPresence, startActor } from '@oo/runtime';
import { freshName, type NatsServer, spawnTsx, startNatsServer, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog, testConfig } from './fixtures/setup.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

const relay = new URL('./fixtures/relay-process.ts', import.meta.url).pathname;

async function presenceOf(actor: string) {
  const nats = await connectNats(testConfig(server.url).nats, 'presence-reader');
  const presence = await nats.kvm.open(BucketNames.presence);
  const bucket = jsonBucket(presence, BucketNames.presence, PresenceEntry, {}, nats);
  return {
    read: async () => (await readPresence(bucket)).filter((e) => e.actor === actor),
    close: () => nats.nc.close(),
  };
}

describe('runtime - presence', () => {
  it('shows the last problem an actor reported of its own, outside any delivery', async () => {
    const name = `reporter-${freshName()}`;
    const actor = await startActor(
      defineActor({
        name,
        version: '1.0.0',
        async setup(env) {
          env.reportError({ code: 'OO_ERR_WORKFLOW_TEMPLATE_INVALID', message: 'a.json: not JSON' });
          return {};
        },
      }),
      { config: testConfig(server.url), log: silentLog },
    );
    const reader = await presenceOf(name);
    const [entry] = await waitFor(async () => {
      const list = await reader.read();
      return list.length > 0 && list;
    });
    expect(entry?.lastError).toMatchObject({
      code: 'OO_ERR_WORKFLOW_TEMPLATE_INVALID',
      message: 'a.json: not JSON',
      at: expect.any(String),
    });
    await actor.stop();
    await reader.close();
  });

  it('shows a running instance with its identity and removes it at once on a clean stop', async () => {
    const token = freshName();
    const child = spawnTsx(relay, { NATS_URL: server.url, TOKEN: token, ROLE: 'relay' });
    const ready = await child.waitForLine(/^ready /);
    const instance = ready.split(' ')[1];
    const reader = await presenceOf(`relay-${token}`);
    const [entry] = await waitFor(async () => {
      const list = await reader.read();
      return list.length > 0 && list;
    });
    expect(entry).toMatchObject({
      instance,
      pid: child.pid,
      inFlight: 0,
      versions: { node: process.version },
    });
    await child.kill('SIGTERM');
    expect(await reader.read()).toEqual([]);
    await reader.close();
  });

  it('drops a killed instance within 15 seconds', async () => {
    const token = freshName();
    const child = spawnTsx(relay, { NATS_URL: server.url, TOKEN: token, ROLE: 'relay' });
    await child.waitForLine(/^ready /);
    const reader = await presenceOf(`relay-${token}`);
    await waitFor(async () => (await reader.read()).length === 1);
    await child.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(async () => (await reader.read()).length === 0, { timeoutMs: 16_000, intervalMs: 250 });
    expect(Date.now() - killedAt).toBeLessThanOrEqual(15_500);
    await reader.close();
  });

  it('lists each instance once while every one of them beats meanwhile', async () => {
    // The status page once showed one actor twice and another not at all: heartbeats written during
    // the read. Here a dozen instances beat without pause while the list is read again and again.
    const nats = await connectNats(testConfig(server.url).nats, 'presence-beats');
    const name = `presence_${freshName()}`;
    const bucket = jsonBucket(await nats.kvm.create(name, { history: 1 }), name, PresenceEntry, {}, nats);
    const instances = Array.from({ length: 12 }, (_, i) => `inst_${i}`);
    const entry = (instance: string, handled: number): PresenceEntry => ({
      actor: 'beater',
      instance,
      host: 'here',
      pid: 1,
      versions: { node: process.version, actor: '1', runtime: '1' },
      startedAt: new Date().toISOString(),
      heartbeatAt: new Date().toISOString(),
      inFlight: 0,
      handled,
      failed: 0,
    });
    await Promise.all(instances.map((i) => bucket.put(i, entry(i, 0))));
    let beating = true;
    const beats = (async () => {
      for (let n = 1; beating; n++) await Promise.all(instances.map((i) => bucket.put(i, entry(i, n))));
    })();
    const lists: string[][] = [];
    try {
      for (let read = 0; read < 20; read++) lists.push((await readPresence(bucket)).map((e) => e.instance));
    } finally {
      beating = false;
      await beats;
      await nats.nc.close();
    }
    const sorted = [...instances].sort();
    expect(lists).toEqual(lists.map(() => sorted));
  });
});
