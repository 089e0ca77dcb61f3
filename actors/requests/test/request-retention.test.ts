/**
 * Request retention against a real nats-server, with the clock in the test's hands: a record whose
 * request ended before the cut-off goes with its request file, leaving no delete marker; one that
 * ended since, one still in progress however old, one whose outcome has not gone out and one
 * written again since the cut-off stay, with their files. A crash between file and record, or a
 * record removed before files went with them, leaks no file. A rerun of a request whose record
 * went is refused, saying why.
 */
import { ObjectStoreNames, RequestBody, type RequestStatus, requestEventSubject } from '@oo/contracts';
import { type JsonBucket, jsonBucket, type ObjectFiles, objectFiles } from '@oo/runtime';
import { freshName, waitFor } from '@oo/test-harness';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { requestFileName } from '../src/request-messages.js';
import { RequestRecord } from '../src/request-records.js';
import { startRequestRetention } from '../src/request-retention.js';
import { dlq, olga, type RequestBus, startRequestBus, telemetry, validBody } from './fixtures/request-bus.js';
import { silentLog } from './fixtures/setup.js';

const KEEP_MS = 30 * 24 * 3_600_000;

let bus: RequestBus | undefined;
afterEach(async () => {
  await bus?.stop();
  bus = undefined;
});
afterAll(() => telemetry.shutdown());

function record(requestId: string, status: RequestStatus): RequestRecord {
  return {
    requestId,
    traceId: '0af7651916cd43dd8448eb211c80319c',
    submittedBy: 'alice',
    submittedAt: new Date().toISOString(),
    body: RequestBody.parse(validBody),
    status,
    ...(status === 'rejected' ? {} : { template: 'vm-unmanaged', runId: `run_${requestId}` }),
    dispatched: true,
  };
}

/** Every key the bucket's stream holds a message for, delete markers marked. */
async function stored(bucket: JsonBucket<RequestRecord>): Promise<string[]> {
  const out: string[] = [];
  for await (const write of bucket.writtenSince(0))
    out.push(write.deleted ? `${write.key} (marker)` : write.key);
  return out.sort();
}

/** A fresh bucket and object store on the bus's server. */
async function freshStores(running: RequestBus) {
  const { nats } = running.client;
  const name = `requests_${freshName()}`;
  const bucket = jsonBucket(await nats.kvm.create(name, { history: 1 }), name, RequestRecord, {}, nats);
  const store = `files_${freshName()}`;
  const files = objectFiles(await nats.objm.create(store), store, nats);
  return { bucket, files };
}

/** Every file's name in the store. */
async function fileNames(files: ObjectFiles): Promise<string[]> {
  return (await files.list()).map((f) => f.name).sort();
}

/** Stores a record and its request file, as a dispatch does. */
async function filed(bucket: JsonBucket<RequestRecord>, files: ObjectFiles, value: RequestRecord) {
  await bucket.put(value.requestId, value);
  await files.put(requestFileName(value.requestId), new TextEncoder().encode('{}'));
}

function retentionAt(bucket: JsonBucket<RequestRecord>, files: ObjectFiles, now: number) {
  return startRequestRetention({
    bucket,
    files,
    log: silentLog,
    clock: { now: () => now, iso: () => new Date(now).toISOString() },
    keepMs: KEEP_MS,
    intervalMs: 3_600_000,
  });
}

async function lastWrite(bucket: JsonBucket<RequestRecord>): Promise<number> {
  let last = 0;
  for await (const write of bucket.writtenSince(0)) last = Math.max(last, write.writtenAt);
  return last;
}

describe('requests - retention', () => {
  it('removes the records of requests that ended before the cut-off, with their files, and only those', async () => {
    bus = await startRequestBus();
    const { bucket, files } = await freshStores(bus);
    for (const status of ['succeeded', 'failed', 'rejected', 'cancelled'] as const) {
      await filed(bucket, files, record(`req_old_${status}`, status));
    }
    await filed(bucket, files, record('req_old_accepted', 'accepted'));
    await filed(bucket, files, record('req_old_running', 'running'));
    // Rejected, but the `rejected` event has not gone out yet: the reconciler's still.
    await bucket.put('req_old_unsent', { ...record('req_old_unsent', 'rejected'), dispatched: false });
    await filed(bucket, files, record('req_rewritten', 'running'));
    // The cut-off falls after the writes above and before the ones below (server time, ms).
    const cutOff = await lastWrite(bucket);
    await waitFor(() => Date.now() > cutOff + 1, { intervalMs: 1, what: 'the clock to move on' });
    await filed(bucket, files, record('req_recent', 'succeeded'));
    await bucket.put('req_rewritten', record('req_rewritten', 'failed'));

    const retention = retentionAt(bucket, files, cutOff + KEEP_MS);
    try {
      expect(await retention.pass()).toBe(4);
      // No delete markers: the stream holds nothing more of the removed records.
      expect(await stored(bucket)).toEqual([
        'req_old_accepted',
        'req_old_running',
        'req_old_unsent',
        'req_recent',
        'req_rewritten',
      ]);
      expect(await fileNames(files)).toEqual(
        ['req_old_accepted', 'req_old_running', 'req_recent', 'req_rewritten'].map(requestFileName),
      );
    } finally {
      await retention.stop();
    }
  });

  it('removes the record on the next pass when a crash came between its file and it', async () => {
    bus = await startRequestBus();
    const { bucket, files } = await freshStores(bus);
    await filed(bucket, files, record('req_done', 'succeeded'));
    const now = (await lastWrite(bucket)) + KEEP_MS;
    // The process dies once the file went, before the record goes.
    let crash = true;
    const crashing: ObjectFiles = {
      ...files,
      async remove(name, revision) {
        const removed = await files.remove(name, revision);
        if (crash) throw new Error('killed');
        return removed;
      },
    };
    const first = retentionAt(bucket, crashing, now);
    await first.pass();
    await first.stop();
    expect(await stored(bucket)).toEqual(['req_done']);
    expect(await fileNames(files)).toEqual([]);

    crash = false;
    const second = retentionAt(bucket, crashing, now);
    try {
      expect(await second.pass()).toBe(1);
      expect(await stored(bucket)).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it('removes old request files whose record went without them, and no other file', async () => {
    bus = await startRequestBus();
    const { bucket, files } = await freshStores(bus);
    const bytes = new TextEncoder().encode('{}');
    // Records removed before files went with them; a file put under the prefix by hand.
    await files.put(requestFileName('req_gone'), bytes);
    await files.put('requests/notes/by-hand.txt', bytes);
    // A request in progress, and an upload: not this pass's.
    await filed(bucket, files, record('req_busy', 'running'));
    const upload = await files.put('uploads/report.pdf', bytes);
    const cutOff = Date.parse(upload.modifiedAt);
    await waitFor(() => Date.now() > cutOff + 1, { intervalMs: 1, what: 'the clock to move on' });
    // Written since the cut-off: young, record or not.
    await files.put(requestFileName('req_young'), bytes);

    const retention = retentionAt(bucket, files, cutOff + KEEP_MS);
    try {
      await retention.pass();
      expect(await fileNames(files)).toEqual([
        requestFileName('req_busy'),
        requestFileName('req_young'),
        'uploads/report.pdf',
      ]);
    } finally {
      await retention.stop();
    }
  });

  it('refuses a rerun of a request whose record went, saying it is kept no longer', async () => {
    let offset = 0;
    const clock = { now: () => Date.now() + offset, iso: () => new Date(Date.now() + offset).toISOString() };
    bus = await startRequestBus({
      clock,
      retention: { keepEndedRequestsMs: KEEP_MS, retentionIntervalMs: 100 },
    });
    const running = bus;
    const ended = await running.collect(requestEventSubject('failed'));
    const old = await running.started('req_old1');
    await running.runEvent(
      {
        runId: old.runId,
        template: old.template,
        version: 1,
        status: 'failed',
        requestId: old.requestId,
        error: { code: 'OO_ERR_TIMEOUT', message: 'AWX job timed out', retryable: true },
        at: new Date().toISOString(),
      },
      old.traceId,
    );
    await ended.waitFor(1);
    await running.started('req_busy1');

    const records = await running.client.nats.kvm.open('requests');
    const files = await running.client.nats.objm.open(ObjectStoreNames.files);
    offset = KEEP_MS + 60_000;
    await waitFor(async () => (await records.get('req_old1')) === null, { what: 'the ended record to go' });
    offset = 0;
    expect((await records.get('req_busy1'))?.json()).toMatchObject({ status: 'accepted' });
    // Its file went with it; the file of the request in progress stays.
    expect(await files.info(requestFileName('req_old1'))).toBeNull();
    expect(await files.info(requestFileName('req_busy1'))).not.toBeNull();

    const letters = await running.collect(dlq);
    await running.rerun({ requestId: 'req_old1', mode: 'restart' }, { as: olga });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_REQUEST_NOT_FOUND');
    expect(letter?.body.error.message).toContain('longer ago than requests are kept');
  });
});
