/**
 * File retention against a real object store, with the pass's clock in the test's hands: the files
 * it selects that were written before the cut-off go; younger ones, ones it does not select, and
 * one written again while the pass ran stay.
 */
import {
  connectNats,
  type Nats,
  type ObjectFiles,
  objectFiles,
  removeFilesWrittenBefore,
  startFileRetention,
} from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog, testConfig } from './fixtures/setup.js';

let server: NatsServer;
let nats: Nats;
beforeAll(async () => {
  server = await startNatsServer();
  nats = await connectNats(testConfig(server.url).nats, 'file-retention-test');
});
afterAll(async () => {
  await nats.nc.close();
  await server.stop();
});

const KEEP_MS = 30 * 24 * 3_600_000;
const bytes = (text: string) => new TextEncoder().encode(text);

async function freshStore(): Promise<ObjectFiles> {
  const name = `files_${freshName()}`;
  return objectFiles(await nats.objm.create(name), name, nats);
}

async function names(files: ObjectFiles): Promise<string[]> {
  return (await files.list()).map((f) => f.name).sort();
}

describe('runtime - file retention', () => {
  it('removes the files it selects written before the cut-off, and keeps the rest', async () => {
    const files = await freshStore();
    const old = await files.put('uploads/old.txt', bytes('old'));
    await files.put('mine-not/old.txt', bytes('not selected'));
    const cutOff = Date.parse(old.modifiedAt) + 1;
    await waitFor(() => Date.now() > cutOff + 1, { intervalMs: 1, what: 'the clock to move on' });
    await files.put('uploads/young.txt', bytes('young'));

    let now = cutOff + KEEP_MS;
    const retention = startFileRetention({
      files,
      what: 'uploads',
      log: silentLog,
      clock: { now: () => now, iso: () => new Date(now).toISOString() },
      keepMs: KEEP_MS,
      intervalMs: 3_600_000,
      select: (name) => name.startsWith('uploads/'),
    });
    try {
      expect(await retention.pass()).toBe(1);
      expect(await names(files)).toEqual(['mine-not/old.txt', 'uploads/young.txt']);
      // Another replica's pass finds nothing more.
      expect(await retention.pass()).toBe(0);
      now = Date.now() + KEEP_MS;
      expect(await retention.pass()).toBe(1);
      expect(await names(files)).toEqual(['mine-not/old.txt']);
    } finally {
      await retention.stop();
    }
  });

  it('finds nothing to remove in an empty store', async () => {
    const files = await freshStore();
    expect(await removeFilesWrittenBefore(files, Date.now(), () => true)).toBe(0);
  });

  it('keeps a file written again while the pass was looking at it', async () => {
    const files = await freshStore();
    const old = await files.put('uploads/busy.txt', bytes('old'));
    const now = Date.parse(old.modifiedAt) + KEEP_MS;
    // Between the list and the removal, someone writes the file again.
    const removed = await removeFilesWrittenBefore(files, now - KEEP_MS, async (name) => {
      await files.put(name, bytes('new'));
      return true;
    });
    expect(removed).toBe(0);
    expect(new TextDecoder().decode((await files.get('uploads/busy.txt'))?.data)).toBe('new');
  });
});
