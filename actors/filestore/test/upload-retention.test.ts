/**
 * Upload retention against a real object store, with the clock in the test's hands: uploads last
 * written before the cut-off go, younger ones stay, and request files stay however old they are
 * (they go with their request's record). Through the actor, an old upload is gone over HTTP.
 */
import { ObjectStoreNames } from '@oo/contracts';
import { connectNats, type Nats, type ObjectFiles, objectFiles, RuntimeConfig } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUploadRetention } from '../src/upload-retention.js';
import { startFilestore, tokens } from './fixtures/filestore-server.js';

const KEEP_MS = 30 * 24 * 3_600_000;
const silentLog = pino({ level: 'silent' });
const bytes = (text: string) => new TextEncoder().encode(text);

let server: NatsServer;
let nats: Nats;
beforeAll(async () => {
  server = await startNatsServer();
  nats = await connectNats(RuntimeConfig.parse({ nats: { url: server.url } }).nats, 'upload-retention-test');
});
afterAll(async () => {
  await nats.nc.close();
  await server.stop();
});

async function names(files: ObjectFiles): Promise<string[]> {
  return (await files.list()).map((f) => f.name).sort();
}

describe('filestore - upload retention', () => {
  it('removes uploads written before the cut-off, keeps younger ones and every request file', async () => {
    const store = `files_${freshName()}`;
    const files = objectFiles(await nats.objm.create(store), store, nats);
    await files.put('requests/req_old.json', bytes('{}'));
    await files.put('uploads/old.iso', bytes('old'));
    const last = await files.put('kickstart.cfg', bytes('old, at the top'));
    const cutOff = Date.parse(last.modifiedAt);
    await waitFor(() => Date.now() > cutOff + 1, { intervalMs: 1, what: 'the clock to move on' });
    await files.put('uploads/young.iso', bytes('young'));

    let now = cutOff + KEEP_MS;
    const retention = startUploadRetention({
      files,
      log: silentLog,
      clock: { now: () => now, iso: () => new Date(now).toISOString() },
      keepMs: KEEP_MS,
      intervalMs: 3_600_000,
    });
    try {
      expect(await retention.pass()).toBe(2);
      expect(await names(files)).toEqual(['requests/req_old.json', 'uploads/young.iso']);
      // Long after: the young upload went too; the request file is not the filestore's to remove.
      now = Date.now() + 10 * KEEP_MS;
      expect(await retention.pass()).toBe(1);
      expect(await names(files)).toEqual(['requests/req_old.json']);
    } finally {
      await retention.stop();
    }
  });

  it('removes an old upload while the filestore runs', async () => {
    let offset = 0;
    const clock = { now: () => Date.now() + offset, iso: () => new Date(Date.now() + offset).toISOString() };
    const filestore = await startFilestore(server, undefined, {
      clock,
      retention: { keepUploadsMs: KEEP_MS, retentionIntervalMs: 100 },
    });
    try {
      const auth = { authorization: `Bearer ${await tokens.mint({ sub: 'alice', role: 'requester' })}` };
      const path = `uploads/${freshName()}.txt`;
      const put = await fetch(`${filestore.url}/v1/files/${path}`, {
        method: 'PUT',
        body: 'hi',
        headers: auth,
      });
      expect(put.status).toBe(201);
      const requestFile = `requests/${freshName('req_')}.json`;
      const store = await nats.objm.open(ObjectStoreNames.files);
      await store.putBlob({ name: requestFile }, bytes('{}'));

      offset = KEEP_MS + 60_000;
      await waitFor(
        async () => (await fetch(`${filestore.url}/v1/files/${path}`, { headers: auth })).status === 404,
        { what: 'the old upload to go' },
      );
      expect(await store.info(requestFile)).not.toBeNull();
    } finally {
      await filestore.actor.stop();
    }
  });
});
