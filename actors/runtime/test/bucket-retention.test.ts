/**
 * Bucket retention against a real KV bucket, with the pass's clock in the test's hands: entries that
 * ended before the cut-off go with what belongs to them, leaving no marker; recent ones, open ones
 * and ones written again since stay, and entries written since the cut-off are not even read.
 */
import { connectNats, type JsonBucket, jsonBucket, type Nats, startBucketRetention } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLog, testConfig } from './fixtures/setup.js';

let server: NatsServer;
let nats: Nats;
beforeAll(async () => {
  server = await startNatsServer();
  nats = await connectNats(testConfig(server.url).nats, 'bucket-retention-test');
});
afterAll(async () => {
  await nats.nc.close();
  await server.stop();
});

const Job = z.object({ status: z.enum(['open', 'ended']) }).strict();
type Job = z.infer<typeof Job>;
const open: Job = { status: 'open' };
const ended: Job = { status: 'ended' };

const KEEP_MS = 30 * 24 * 3_600_000;

async function freshBucket() {
  const name = `retention_${freshName()}`;
  return jsonBucket(await nats.kvm.create(name, { history: 1 }), name, Job, {}, nats);
}

/** Every key the bucket's stream holds a message for, delete markers included. */
async function stored<T>(bucket: JsonBucket<T>): Promise<string[]> {
  const out: string[] = [];
  for await (const write of bucket.writtenSince(0))
    out.push(write.deleted ? `${write.key} (marker)` : write.key);
  return out.sort();
}

async function lastWrite<T>(bucket: JsonBucket<T>): Promise<number> {
  let last = 0;
  for await (const write of bucket.writtenSince(0)) last = Math.max(last, write.writtenAt);
  return last;
}

/** A retention of ended jobs kept KEEP_MS, on the test's clock, that runs only when told. */
function retentionOf(
  bucket: JsonBucket<Job>,
  now: () => number,
  removeWith: (key: string) => Promise<unknown>,
) {
  return startBucketRetention({
    bucket,
    what: 'jobs',
    log: silentLog,
    clock: { now, iso: () => new Date(now()).toISOString() },
    keepMs: KEEP_MS,
    intervalMs: 3_600_000,
    ended: (job) => job.status === 'ended',
    removeWith,
  });
}

describe('runtime - bucket retention', () => {
  it('removes what ended before the cut-off, with what belongs to it, and keeps the rest', async () => {
    const bucket = await freshBucket();
    const reads: string[] = [];
    const counted: JsonBucket<Job> = {
      ...bucket,
      get: (key) => {
        reads.push(key);
        return bucket.get(key);
      },
    };
    await bucket.put('old_ended', ended);
    await bucket.put('old_open', open);
    await bucket.put('rewritten', ended);
    // The cut-off falls after the writes above and before the ones below (server time, ms).
    const cutOff = await lastWrite(bucket);
    await waitFor(() => Date.now() > cutOff + 1, { intervalMs: 1, what: 'the clock to move on' });
    await bucket.put('recent_ended', ended);
    await bucket.put('rewritten', ended);

    const belongings: string[] = [];
    let now = cutOff + KEEP_MS;
    const retention = retentionOf(
      counted,
      () => now,
      async (key) => belongings.push(key),
    );
    try {
      expect(await retention.pass()).toBe(1);
      expect(belongings).toEqual(['old_ended']);
      // Gone without a delete marker; written since the cut-off: not read at all.
      expect(await stored(bucket)).toEqual(['old_open', 'recent_ended', 'rewritten']);
      expect(reads.sort()).toEqual(['old_ended', 'old_open']);

      // A second pass (another replica's, say) finds nothing more to remove.
      expect(await retention.pass()).toBe(0);

      // Once the cut-off has passed them too, the recent and rewritten entries go; the open one stays.
      now = Date.now() + KEEP_MS;
      expect(await retention.pass()).toBe(2);
      expect(await stored(bucket)).toEqual(['old_open']);
    } finally {
      await retention.stop();
    }
  });

  it('keeps an entry written again while the pass was removing it', async () => {
    const bucket = await freshBucket();
    await bucket.put('job', ended);
    const now = (await lastWrite(bucket)) + KEEP_MS;
    // Between the pass's read and its purge, someone writes the entry (it did not end after all).
    const retention = retentionOf(
      bucket,
      () => now,
      (key) => bucket.put(key, open),
    );
    try {
      await retention.pass();
      expect((await bucket.get('job'))?.value).toEqual(open);
    } finally {
      await retention.stop();
    }
  });

  it('removes what belongs to an entry again after a crash between it and the entry', async () => {
    const bucket = await freshBucket();
    await bucket.put('job', ended);
    const now = (await lastWrite(bucket)) + KEEP_MS;
    const belongings: string[] = [];
    let crash = true;
    const retention = retentionOf(
      bucket,
      () => now,
      async (key) => {
        belongings.push(key);
        // The process dies once its belongings went, before the entry goes.
        if (crash) throw new Error('killed');
      },
    );
    try {
      expect(await retention.pass()).toBe(0);
      expect(await stored(bucket)).toEqual(['job']);
      crash = false;
      expect(await retention.pass()).toBe(1);
      expect(belongings).toEqual(['job', 'job']);
      expect(await stored(bucket)).toEqual([]);
    } finally {
      await retention.stop();
    }
  });

  it('removes leftovers after each pass, with the pass cut-off', async () => {
    const bucket = await freshBucket();
    const now = Date.now() + KEEP_MS;
    const cutOffs: number[] = [];
    const retention = startBucketRetention({
      bucket,
      what: 'jobs',
      log: silentLog,
      clock: { now: () => now, iso: () => new Date(now).toISOString() },
      keepMs: KEEP_MS,
      intervalMs: 3_600_000,
      ended: () => true,
      removeLeftovers: async (cutOff) => cutOffs.push(cutOff),
    });
    try {
      await retention.pass();
      expect(cutOffs).toEqual([now - KEEP_MS]);
    } finally {
      await retention.stop();
    }
  });
});
