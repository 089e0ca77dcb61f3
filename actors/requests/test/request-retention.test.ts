/**
 * Request retention against a real nats-server, with the clock in the test's hands: a record whose
 * request ended before the cut-off goes, leaving no delete marker; one that ended since, one still
 * in progress however old, and one written again since the cut-off stay. A rerun of a request whose
 * record went is refused, saying why.
 */
import { RequestBody, type RequestStatus, requestEventSubject } from '@oo/contracts';
import { type JsonBucket, jsonBucket } from '@oo/runtime';
import { freshName, waitFor } from '@oo/test-harness';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
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

async function lastWrite(bucket: JsonBucket<RequestRecord>): Promise<number> {
  let last = 0;
  for await (const write of bucket.writtenSince(0)) last = Math.max(last, write.writtenAt);
  return last;
}

describe('requests - retention', () => {
  it('removes the records of requests that ended before the cut-off, and only those', async () => {
    bus = await startRequestBus();
    const { nats } = bus.client;
    const name = `requests_${freshName()}`;
    const bucket = jsonBucket(await nats.kvm.create(name, { history: 1 }), name, RequestRecord, {}, nats);
    for (const status of ['succeeded', 'failed', 'rejected', 'cancelled'] as const) {
      await bucket.put(`req_old_${status}`, record(`req_old_${status}`, status));
    }
    await bucket.put('req_old_accepted', record('req_old_accepted', 'accepted'));
    await bucket.put('req_old_running', record('req_old_running', 'running'));
    await bucket.put('req_rewritten', record('req_rewritten', 'running'));
    // The cut-off falls after the writes above and before the ones below (server time, ms).
    const cutOff = await lastWrite(bucket);
    await waitFor(() => Date.now() > cutOff + 1, { intervalMs: 1, what: 'the clock to move on' });
    await bucket.put('req_recent', record('req_recent', 'succeeded'));
    await bucket.put('req_rewritten', record('req_rewritten', 'failed'));

    const now = cutOff + KEEP_MS;
    const retention = startRequestRetention({
      bucket,
      log: silentLog,
      clock: { now: () => now, iso: () => new Date(now).toISOString() },
      keepMs: KEEP_MS,
      intervalMs: 3_600_000,
    });
    try {
      expect(await retention.pass()).toBe(4);
      // No delete markers: the stream holds nothing more of the removed records.
      expect(await stored(bucket)).toEqual([
        'req_old_accepted',
        'req_old_running',
        'req_recent',
        'req_rewritten',
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
    offset = KEEP_MS + 60_000;
    await waitFor(async () => (await records.get('req_old1')) === null, { what: 'the ended record to go' });
    offset = 0;
    expect((await records.get('req_busy1'))?.json()).toMatchObject({ status: 'accepted' });

    const letters = await running.collect(dlq);
    await running.rerun({ requestId: 'req_old1', mode: 'restart' }, { as: olga });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_REQUEST_NOT_FOUND');
    expect(letter?.body.error.message).toContain('longer ago than requests are kept');
  });
});
