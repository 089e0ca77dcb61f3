import { ObjectStores, Streams } from '@oo/contracts';
import { connectNats, provisionAll, RuntimeConfig } from '@oo/runtime';
import { type NatsServer, startNatsServer } from '@oo/test-harness';
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
    await Promise.all(connections.map((n) => provisionAll(n)));
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

  it('fails with the server named when NATS cannot be reached', async () => {
    const config = RuntimeConfig.parse({ nats: { url: 'nats://127.0.0.1:1' } });
    await expect(connectNats(config.nats, 'nowhere')).rejects.toMatchObject({
      code: 'OO_ERR_NATS_UNAVAILABLE',
      message: expect.stringContaining('127.0.0.1:1'),
    });
  });
});
