import { createHash } from 'node:crypto';
import { ObjectStoreNames } from '@oo/contracts';
import { type ActorHandle, defineActor, type ObjectFiles, startActor } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer } from '@oo/test-harness';
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
});
