import { createHash } from 'node:crypto';
import { ObjectStoreNames } from '@oo/contracts';
import { type ActorHandle, defineActor, type ObjectFiles, startActor } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer, within } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog, testConfig } from './fixtures/setup.js';

let server: NatsServer;
let actor: ActorHandle;
let files: ObjectFiles;

beforeAll(async () => {
  server = await startNatsServer();
  actor = await startActor(
    defineActor({
      name: freshName('files-'),
      version: '1.0.0',
      async setup(env) {
        files = await env.objects(ObjectStoreNames.files);
        return {};
      },
    }),
    { config: testConfig(server.url), log: silentLog },
  );
});
afterAll(async () => {
  await actor.stop();
  await server.stop();
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('runtime - object files', () => {
  it('returns the sha256 of a stored file as hex, with its size and content type', async () => {
    const data = new TextEncoder().encode('{"hello":"world"}');
    const stored = await files.put(`${freshName()}/a.json`, data, { contentType: 'application/json' });
    expect(stored).toMatchObject({
      size: data.length,
      sha256: sha256(data),
      contentType: 'application/json',
    });
  });

  it('reads back the bytes it stored, across chunks', async () => {
    const name = `${freshName()}/big.bin`;
    const data = new Uint8Array(300 * 1024).map((_, i) => i % 251);
    await files.put(name, data);
    const got = await files.get(name);
    // Compared as buffers: a deep equal over 300 KiB element by element takes seconds.
    expect(Buffer.from(got?.data ?? []).equals(data)).toBe(true);
    expect(got?.info.sha256).toBe(sha256(data));
    expect(got?.info.contentType).toBe('application/octet-stream');
  });

  it('answers undefined for a file never stored', async () => {
    expect(await files.get(`${freshName()}/none`)).toBeUndefined();
    expect(await files.info(`${freshName()}/none`)).toBeUndefined();
  });

  it('describes the newest version after a replace', async () => {
    const name = `${freshName()}/v.txt`;
    const first = await files.put(name, new TextEncoder().encode('one'));
    const second = await files.put(name, new TextEncoder().encode('two'));
    expect(second.revision).toBeGreaterThan(first.revision);
    expect(await files.info(name)).toEqual(second);
  });

  it('lists every file with its size and last write, newest version only, and not a removed one', async () => {
    const dir = freshName();
    await files.put(`${dir}/a.txt`, new TextEncoder().encode('first'));
    const a = await files.put(`${dir}/a.txt`, new TextEncoder().encode('a'));
    await files.put(`${dir}/b.txt`, new TextEncoder().encode('bb'));
    await files.remove(`${dir}/b.txt`);
    const mine = (await files.list()).filter((f) => f.name.startsWith(`${dir}/`));
    expect(mine).toEqual([{ name: `${dir}/a.txt`, size: 1, modifiedAt: a.modifiedAt, revision: a.revision }]);
  });

  it('lists while files are removed and written beside it, and ends', async () => {
    const dir = freshName();
    for (let i = 0; i < 20; i++) await files.put(`${dir}/${i}.txt`, new TextEncoder().encode(String(i)));
    const churn = (async () => {
      for (let i = 0; i < 20; i++) {
        await files.remove(`${dir}/${i}.txt`);
        await files.put(`${dir}/new-${i}.txt`, new TextEncoder().encode(String(i)));
      }
    })();
    for (let round = 0; round < 10; round++) await files.list();
    await churn;
    const mine = (await files.list()).filter((f) => f.name.startsWith(`${dir}/`)).map((f) => f.name);
    expect(mine.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `${dir}/new-${i}.txt`).sort());
  });

  it('removes a file with its content, leaving nothing of it in the stream', async () => {
    const name = `${freshName()}/gone.bin`;
    const before = await storedMessages();
    await files.put(name, new Uint8Array(300 * 1024).fill(7));
    expect(await files.remove(name)).toBe(true);
    expect(await files.info(name)).toBeUndefined();
    expect(await files.get(name)).toBeUndefined();
    // No delete marker, no chunk: the store's stream holds what it held before.
    expect(await storedMessages()).toBe(before);
    expect(await files.remove(name)).toBe(false);
  });

  it('removes only the version it is given: a file written again since stays', async () => {
    const name = `${freshName()}/kept.txt`;
    const first = await files.put(name, new TextEncoder().encode('one'));
    const second = await files.put(name, new TextEncoder().encode('two'));
    expect(await files.remove(name, first.revision)).toBe(false);
    expect(new TextDecoder().decode((await files.get(name))?.data)).toBe('two');
    expect(await files.remove(name, second.revision)).toBe(true);
    expect(await files.info(name)).toBeUndefined();
  });

  it('answers undefined, not a read that never ends, when the content went under the metadata', async () => {
    // What a removal leaves between its two purges (or a crash there): metadata, no chunks.
    const name = `${freshName()}/half-removed.bin`;
    await files.put(name, new Uint8Array(10_000).fill(1));
    const store = await actor.nats.objm.open(ObjectStoreNames.files);
    const nuid = (await store.info(name))?.nuid;
    await actor.nats.jsm.streams.purge(`OBJ_${ObjectStoreNames.files}`, {
      filter: `$O.${ObjectStoreNames.files}.C.${nuid}`,
    });
    expect(await files.info(name)).toBeDefined();
    expect(await within(files.get(name), 10_000, 'the read')).toBeUndefined();
  });

  it('reads files removed or replaced while being read as gone or as their newer version, never hanging', async () => {
    const dir = freshName();
    const reads = [];
    for (let i = 0; i < 30; i++) {
      const name = `${dir}/${i}.bin`;
      await files.put(name, new Uint8Array(50_000).fill(1));
      const change = i % 2 === 0 ? files.remove(name) : files.put(name, new Uint8Array(50_000).fill(2));
      reads.push(Promise.all([files.get(name), change]).then(([read]) => ({ i, read })));
    }
    for (const { i, read } of await within(Promise.all(reads), 30_000, 'the reads')) {
      // Removed: gone, or read whole before it went. Replaced: either version, whole.
      if (read === undefined) expect(i % 2).toBe(0);
      else expect(read.data.length).toBe(50_000);
    }
  });

  it("removes the delete marker the store's own delete leaves", async () => {
    const name = `${freshName()}/marked.txt`;
    const before = await storedMessages();
    await files.put(name, new TextEncoder().encode('x'));
    await (await actor.nats.objm.open(ObjectStoreNames.files)).delete(name);
    expect(await storedMessages()).toBe(before + 1);
    expect(await files.remove(name)).toBe(false);
    expect(await storedMessages()).toBe(before);
  });
});

/** How many messages the `files` store's stream holds. */
async function storedMessages(): Promise<number> {
  const info = await actor.nats.jsm.streams.info(`OBJ_${ObjectStoreNames.files}`);
  return info.state.messages;
}
