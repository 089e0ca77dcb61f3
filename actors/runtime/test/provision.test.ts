import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BucketNames, ObjectStores, Streams } from '@oo/contracts';
import {
  type ActorHandle,
  connectNats,
  defineActor,
  openBucket,
  provisionAll,
  RuntimeConfig,
  startActor,
} from '@oo/runtime';
import { type NatsServer, startNatsServer } from '@oo/test-harness';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

describe('runtime - provisioning', () => {
  it('creates every stream with its declared limits when several instances start at once', async () => {
    const config = RuntimeConfig.parse({ nats: { url: server.url } });
    const connections = await Promise.all([1, 2, 3].map((i) => connectNats(config.nats, `p${i}`)));
    const provisioned = await Promise.all(connections.map((n) => provisionAll(n)));
    // This machine's disk holds them whole (a small one is below).
    expect(provisioned.map((p) => p.share)).toEqual([1, 1, 1]);
    const jsm = connections[0]!.jsm;
    for (const spec of Streams) {
      const info = await jsm.streams.info(spec.name);
      expect(info.config.max_bytes).toBe(spec.maxBytes);
      expect(info.config.max_age).toBe(spec.maxAgeMs * 1_000_000);
      expect(info.config.duplicate_window).toBe(spec.duplicateWindowMs * 1_000_000);
    }
    await Promise.all(connections.map((n) => n.nc.close()));
  });

  it('gives every object store its declared size and age limits, also one made earlier without them', async () => {
    const config = RuntimeConfig.parse({ nats: { url: server.url } });
    const nats = await connectNats(config.nats, 'objects');
    await provisionAll(nats);
    // As an older version left it: no age limit, another size.
    await nats.jsm.streams.update('OBJ_outputs', { max_age: 0, max_bytes: 1_024 * 1_024 });
    await provisionAll(nats);
    for (const spec of ObjectStores) {
      const info = await nats.jsm.streams.info(`OBJ_${spec.name}`);
      expect({ name: spec.name, maxBytes: info.config.max_bytes, maxAge: info.config.max_age }).toEqual({
        name: spec.name,
        maxBytes: spec.maxBytes,
        maxAge: spec.ttlMs * 1_000_000,
      });
    }
    await nats.nc.close();
  });

  it('fits the streams and stores in a small JetStream storage, halving their sizes until they fit', async () => {
    // 3 GB of storage for 21 GiB of streams and stores: an eighth of each fits.
    const small = await storageOf('3GB');
    try {
      const nats = await connectNats(RuntimeConfig.parse({ nats: { url: small.url } }).nats, 'small');
      expect(await provisionAll(nats)).toEqual({ share: 1 / 8 });
      for (const spec of Streams) {
        expect((await nats.jsm.streams.info(spec.name)).config.max_bytes).toBe(Math.floor(spec.maxBytes / 8));
      }
      for (const spec of ObjectStores) {
        expect((await nats.jsm.streams.info(`OBJ_${spec.name}`)).config.max_bytes).toBe(
          Math.floor(spec.maxBytes / 8),
        );
      }
      // The next start finds the same share, and the streams work.
      expect(await provisionAll(nats)).toEqual({ share: 1 / 8 });
      const ack = await nats.js.publish('oo.evt.run.succeeded', '{}');
      expect(ack.stream).toBe('OO_EVT');
      await nats.nc.close();
    } finally {
      await small.stop();
    }
  });

  it('has the actors of one process say the short storage once, and each keep its share', async () => {
    const small = await storageOf('3GB');
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const config = RuntimeConfig.parse({ nats: { url: small.url } });
    const handles: ActorHandle[] = [];
    try {
      for (const name of ['first', 'second']) {
        handles.push(await startActor(defineActor({ name, version: '0.0.0' }), { config, log }));
      }
      expect(handles.map((h) => h.storageShare)).toEqual([1 / 8, 1 / 8]);
      const told = lines.map((l) => JSON.parse(l)).filter((l) => /1\/8 of their sizes/.test(l.msg));
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({ actor: 'first', share: 1 / 8 });
    } finally {
      for (const h of handles) await h.stop();
      await small.stop();
    }
  });

  it('says what to do when not even 1/256 of the sizes fits', async () => {
    const tiny = await storageOf('50MB');
    try {
      const nats = await connectNats(RuntimeConfig.parse({ nats: { url: tiny.url } }).nats, 'tiny');
      await expect(provisionAll(nats)).rejects.toMatchObject({
        code: 'OO_ERR_NATS_PROVISION',
        message: expect.stringMatching(
          /cannot hold OO's streams even at 1\/256 of their sizes .*free disk where nats-server stores, or raise its jetstream max_file_store/,
        ),
      });
      await nats.nc.close();
    } finally {
      await tiny.stop();
    }
  });

  it('opens buckets for direct gets (no JetStream API call, no advisory), and names a bucket that does not exist', async () => {
    const config = RuntimeConfig.parse({ nats: { url: server.url } });
    const nats = await connectNats(config.nats, 'direct');
    await provisionAll(nats);
    const kv = await openBucket(nats, BucketNames.runEnds);
    await kv.put('k1', new TextEncoder().encode('{"a":1}'));
    const heard: string[] = [];
    const sub = nats.nc.subscribe('$JS.>', {
      callback: (_err, msg) => {
        heard.push(msg.subject);
      },
    });
    await nats.nc.flush();
    expect((await kv.get('k1'))?.json()).toEqual({ a: 1 });
    expect(await kv.get('missing')).toBeNull();
    await nats.nc.flush();
    sub.unsubscribe();
    expect(heard).toEqual([
      `$JS.API.DIRECT.GET.KV_run_ends.$KV.run_ends.k1`,
      `$JS.API.DIRECT.GET.KV_run_ends.$KV.run_ends.missing`,
    ]);
    await expect(openBucket(nats, 'never_declared')).rejects.toMatchObject({
      code: 'OO_ERR_NATS_PROVISION',
      message: expect.stringContaining('KV bucket never_declared does not exist'),
    });
    await nats.nc.close();
  });

  it('fails with the server named when NATS cannot be reached', async () => {
    const config = RuntimeConfig.parse({ nats: { url: 'nats://127.0.0.1:1' } });
    await expect(connectNats(config.nats, 'nowhere')).rejects.toMatchObject({
      code: 'OO_ERR_NATS_UNAVAILABLE',
      message: expect.stringContaining('127.0.0.1:1'),
    });
  });
});

/** A nats-server whose JetStream may store `maxFileStore` (as on a machine with little free disk). */
async function storageOf(maxFileStore: string): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'oo-small-js-'));
  const file = join(dir, 'small.conf');
  writeFileSync(
    file,
    `listen: $OO_NATS_LISTEN\njetstream {\n  store_dir: $OO_NATS_STORE\n  max_file_store: ${maxFileStore}\n}\n`,
  );
  const server = await startNatsServer({ config: { file } });
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
