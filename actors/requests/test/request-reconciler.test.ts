/**
 * The requests reconciler against a real nats-server, with the clock in the test's hands: a record
 * whose handler never dispatched it (its command dead-lettered or expired) is dispatched once — one
 * run start, one `accepted` event, its file and notice — however many replicas look; a record
 * younger than the grace age and a dispatched one are left alone; an accepted record older than the
 * engine keeps runs is not started again.
 */
import {
  EngineSubjects,
  NotifySubjects,
  ObjectStoreNames,
  RequestBody,
  type RequestStatus,
  requestEventSubject,
} from '@oo/contracts';
import { type JsonBucket, jsonBucket } from '@oo/runtime';
import { freshName, waitFor } from '@oo/test-harness';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { requestFileName, requestFileUrl } from '../src/request-messages.js';
import { startRequestReconciler } from '../src/request-reconciler.js';
import { RequestRecord } from '../src/request-records.js';
import {
  FILESTORE_URL,
  type RequestBus,
  startRequestBus,
  telemetry,
  validBody,
} from './fixtures/request-bus.js';
import { silentLog } from './fixtures/setup.js';

const GRACE_MS = 5 * 60_000;
const KEEP_RUNS_MS = 30 * 24 * 3_600_000;

let bus: RequestBus | undefined;
afterEach(async () => {
  await bus?.stop();
  bus = undefined;
});
afterAll(() => telemetry.shutdown());

/** A record as a handler makes it, before its dispatch. */
function undispatched(
  requestId: string,
  status: RequestStatus = 'accepted',
  submittedAt = new Date().toISOString(),
): RequestRecord {
  return {
    requestId,
    traceId: '0af7651916cd43dd8448eb211c80319c',
    submittedBy: 'alice',
    submittedAt,
    body: RequestBody.parse(validBody),
    status,
    ...(status === 'accepted'
      ? {
          template: 'vm-unmanaged',
          runId: `run_${requestId}`,
          fileUrl: requestFileUrl(FILESTORE_URL, requestId),
        }
      : { reasons: [{ path: 'resources.0.cpu', message: 'too many' }] }),
    dispatched: false,
  };
}

/** A submit refused for its body, as submit-refusal.ts records it: rejected, no body. */
function refused(requestId: string): RequestRecord {
  const { body: _body, ...rest } = undispatched(requestId, 'rejected');
  return rest;
}

async function freshBucket(running: RequestBus): Promise<JsonBucket<RequestRecord>> {
  const { nats } = running.client;
  const name = `requests_${freshName()}`;
  return jsonBucket(await nats.kvm.create(name, { history: 1 }), name, RequestRecord, {}, nats);
}

async function lastWrite(bucket: JsonBucket<RequestRecord>): Promise<number> {
  let last = 0;
  for await (const write of bucket.writtenSince(0)) last = Math.max(last, write.writtenAt);
  return last;
}

/**
 * A reconciler on the test's clock that runs only when told, with a dispatch and an abandon that
 * record their calls.
 */
function reconcilerOf(
  bucket: JsonBucket<RequestRecord>,
  now: () => number,
  dispatched: string[],
  dispatch: (record: RequestRecord) => Promise<void> = async () => undefined,
  abandoned: string[] = [],
  reports: { code: string; message: string }[] = [],
) {
  /** As dispatch and abandon do last: the record's write, by compare-and-set. */
  const mark = async (requestId: string, change: Partial<RequestRecord>) => {
    const current = await bucket.get(requestId);
    if (current) await bucket.update(requestId, { ...current.value, ...change }, current.revision);
  };
  return startRequestReconciler({
    bucket,
    log: silentLog,
    report: (problem) => reports.push(problem),
    clock: { now, iso: () => new Date(now()).toISOString() },
    intervalMs: 3_600_000,
    graceMs: GRACE_MS,
    keepEndedRunsMs: KEEP_RUNS_MS,
    async dispatch(record) {
      dispatched.push(record.requestId);
      await dispatch(record);
      await mark(record.requestId, { dispatched: true });
    },
    async abandon(record) {
      abandoned.push(record.requestId);
      await mark(record.requestId, { status: 'failed', dispatched: true });
    },
  });
}

/**
 * Two requests actors on a clock the test moves forward (their reconcilers look every 100 ms), and
 * their `requests` bucket.
 */
async function twoActors() {
  let offset = 0;
  const clock = { now: () => Date.now() + offset, iso: () => new Date(Date.now() + offset).toISOString() };
  const running = await startRequestBus({ clock, replicas: 2, reconcile: { reconcileIntervalMs: 100 } });
  bus = running;
  const records = jsonBucket(
    await running.client.nats.kvm.open('requests'),
    'requests',
    RequestRecord,
    {},
    running.client.nats,
  );
  return {
    running,
    records,
    advance: (ms: number) => {
      offset += ms;
    },
  };
}

describe('requests - reconciler', () => {
  it('dispatches a record its handler left once quiet for the grace age, and only then', async () => {
    bus = await startRequestBus();
    const bucket = await freshBucket(bus);
    await bucket.put('req_left', undispatched('req_left'));
    await bucket.put('req_done', { ...undispatched('req_done'), dispatched: true });
    const cutOff = await lastWrite(bucket);
    await waitFor(() => Date.now() > cutOff + 1, { intervalMs: 1, what: 'the clock to move on' });
    // Young: its handler may be dispatching it right now.
    await bucket.put('req_young', undispatched('req_young'));
    const revisions = async () =>
      Object.fromEntries(
        await Promise.all(['req_done', 'req_young'].map(async (k) => [k, (await bucket.get(k))?.revision])),
      );
    const before = await revisions();

    let now = cutOff + GRACE_MS;
    const dispatched: string[] = [];
    const reconciler = reconcilerOf(bucket, () => now, dispatched);
    try {
      expect(await reconciler.pass()).toEqual({ dispatched: 1, failed: 0, abandoned: 0 });
      expect(dispatched).toEqual(['req_left']);
      // Neither the dispatched record nor the young one was written (claimed) at all.
      expect(await revisions()).toEqual(before);
      expect(await reconciler.pass()).toEqual({ dispatched: 0, failed: 0, abandoned: 0 });

      now = Date.now() + GRACE_MS;
      expect(await reconciler.pass()).toEqual({ dispatched: 1, failed: 0, abandoned: 0 });
      expect(dispatched).toEqual(['req_left', 'req_young']);
      expect(await reconciler.pass()).toEqual({ dispatched: 0, failed: 0, abandoned: 0 });
    } finally {
      await reconciler.stop();
    }
  });

  it('dispatches each record once when replicas reconcile at the same time', async () => {
    bus = await startRequestBus();
    const bucket = await freshBucket(bus);
    const ids = ['req_a', 'req_b', 'req_c', 'req_d', 'req_e'];
    for (const id of ids) await bucket.put(id, undispatched(id));
    const now = (await lastWrite(bucket)) + GRACE_MS;
    const dispatched: string[] = [];
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 20));
    const replicas = [1, 2, 3].map(() => reconcilerOf(bucket, () => now, dispatched, slow));
    try {
      await Promise.all(replicas.map((r) => r.pass()));
      expect(dispatched.sort()).toEqual(ids);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });

  it('reports a failed dispatch and tries it again once the record is quiet again', async () => {
    bus = await startRequestBus();
    const bucket = await freshBucket(bus);
    await bucket.put('req_flaky', undispatched('req_flaky'));
    let now = (await lastWrite(bucket)) + GRACE_MS;
    const dispatched: string[] = [];
    let fail = true;
    const reports: { code: string; message: string }[] = [];
    const reconciler = reconcilerOf(
      bucket,
      () => now,
      dispatched,
      async () => {
        if (fail) throw new Error('filestore unreachable');
      },
      [],
      reports,
    );
    try {
      expect(await reconciler.pass()).toEqual({ dispatched: 0, failed: 1, abandoned: 0 });
      expect(reports).toEqual([
        {
          code: 'OO_ERR_HANDLER_FAILED',
          message: 'dispatching request req_flaky, left undispatched, failed: filestore unreachable',
        },
      ]);
      expect((await bucket.get('req_flaky'))?.value.dispatched).toBe(false);
      fail = false;
      // The claim was a write: the record waits out the grace age again.
      expect(await reconciler.pass()).toEqual({ dispatched: 0, failed: 0, abandoned: 0 });
      now = Date.now() + GRACE_MS;
      expect(await reconciler.pass()).toEqual({ dispatched: 1, failed: 0, abandoned: 0 });
      expect(dispatched).toEqual(['req_flaky', 'req_flaky']);
    } finally {
      await reconciler.stop();
    }
  });

  it('abandons, not starts, a request older than the engine keeps runs, but announces an old rejection', async () => {
    bus = await startRequestBus();
    const bucket = await freshBucket(bus);
    const now = Date.now() + 60_000 + GRACE_MS;
    const longAgo = new Date(now - KEEP_RUNS_MS).toISOString();
    await bucket.put('req_ancient', undispatched('req_ancient', 'accepted', longAgo));
    await bucket.put('req_refused', { ...refused('req_refused'), submittedAt: longAgo });
    const dispatched: string[] = [];
    const abandoned: string[] = [];
    const reconciler = reconcilerOf(bucket, () => now, dispatched, undefined, abandoned);
    try {
      expect(await reconciler.pass()).toEqual({ dispatched: 1, failed: 0, abandoned: 1 });
      expect(dispatched).toEqual(['req_refused']);
      expect(abandoned).toEqual(['req_ancient']);
      // Once, not at every pass.
      expect(await reconciler.pass()).toEqual({ dispatched: 0, failed: 0, abandoned: 0 });
    } finally {
      await reconciler.stop();
    }
  });

  it('dispatches what no handler did through the actor: one start, one accepted event, its file and notice', async () => {
    const { running, records, advance } = await twoActors();
    const starts = await running.collect(EngineSubjects.start);
    const rejections = await running.collect(requestEventSubject('rejected'));
    // Made as the handlers make them (commit points), never dispatched: their commands are gone.
    await records.put('req_lost1', undispatched('req_lost1'));
    await records.put('req_lost2', refused('req_lost2'));
    await records.put('req_sent1', { ...undispatched('req_sent1'), dispatched: true });

    advance(GRACE_MS + 60_000);
    await waitFor(
      async () =>
        (await records.get('req_lost1'))?.value.dispatched === true &&
        (await records.get('req_lost2'))?.value.dispatched === true,
      { what: 'the reconcilers to dispatch both records' },
    );
    const [start] = await starts.waitFor(1);
    expect(start?.body).toMatchObject({
      runId: 'run_req_lost1',
      template: 'vm-unmanaged',
      requestId: 'req_lost1',
    });
    const [rejected] = await rejections.waitFor(1);
    expect(rejected?.body).toMatchObject({ requestId: 'req_lost2', status: 'rejected' });
    // Two replicas looked; the stream holds one of each (the dispatched record sent nothing).
    expect(await running.count(EngineSubjects.start)).toBe(1);
    expect(await running.count(requestEventSubject('accepted'))).toBe(1);
    expect(await running.count(requestEventSubject('rejected'))).toBe(1);
    expect(await running.count(NotifySubjects.email)).toBe(1);
    const files = await running.client.nats.objm.open(ObjectStoreNames.files);
    expect(await files.info(requestFileName('req_lost1'))).not.toBeNull();
    expect(await files.info(requestFileName('req_sent1'))).toBeNull();
  });

  it('ends a request too old to start failed through the actor, saying why, and starts nothing', async () => {
    const { running, records, advance } = await twoActors();
    const failures = await running.collect(requestEventSubject('failed'));
    const notices = await running.collect(NotifySubjects.email);
    const submittedAt = new Date().toISOString();
    await records.put('req_ancient', undispatched('req_ancient', 'accepted', submittedAt));

    // The engine keeps runs 30 days by default: the reconcilers look 30 days and a grace age later.
    advance(KEEP_RUNS_MS + GRACE_MS + 60_000);
    await waitFor(async () => (await records.get('req_ancient'))?.value.dispatched === true, {
      what: 'the reconcilers to end the record',
    });
    expect((await records.get('req_ancient'))?.value.status).toBe('failed');
    const [failed] = await failures.waitFor(1);
    expect(failed?.body).toMatchObject({
      requestId: 'req_ancient',
      status: 'failed',
      runId: 'run_req_ancient',
      error: {
        code: 'OO_ERR_REQUEST_NOT_STARTED',
        retryable: false,
        message: expect.stringContaining(
          `request req_ancient was accepted at ${submittedAt}, but its run was never started`,
        ),
      },
    });
    const [notice] = await notices.waitFor(1);
    expect(notice?.body).toMatchObject({ requestId: 'req_ancient', kind: 'failed' });
    // Two replicas looked: one failure, one notice, and no run start, no accepted event.
    expect(await running.count(requestEventSubject('failed'))).toBe(1);
    expect(await running.count(NotifySubjects.email)).toBe(1);
    expect(await running.count(EngineSubjects.start)).toBe(0);
    expect(await running.count(requestEventSubject('accepted'))).toBe(0);
  });
});
