/**
 * The reconciler's sweeps against a real KV bucket: it finds the run that stopped moving, and after
 * its first sweep it reads no run's state again unless that run was written since and has been
 * quiet for `stuckAfterMs` — the runs bucket keeps every run for weeks, so a sweep must not read them all.
 * And it gives up the tasks no runner has shown a sign of life for in `abandonAfterMs`.
 */

import { TimeoutError } from '@nats-io/transport-node';
import type { RunStatus } from '@oo/contracts';
import type { JsonBucket } from '@oo/runtime';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { InFlightLook, LookInFlight } from '../src/in-flight-look.js';
import type { AbandonedTask } from '../src/planner-types.js';
import { startReconciler } from '../src/reconciler.js';
import { RunState } from '../src/run-state.js';
import { countedReads } from './fixtures/counted-reads.js';
import { privateBuckets } from './fixtures/private-buckets.js';
import { runHead } from './fixtures/run-head.js';

const kv = privateBuckets('reconciler-test');

const STUCK_AFTER_MS = 60_000;
const ABANDON_AFTER_MS = 60 * STUCK_AFTER_MS;
const NOT_WAITING: InFlightLook = { waitingUntil: undefined, unattended: [] };

function run(runId: string, status: RunStatus, updatedAt: number): RunState {
  const at = new Date(updatedAt).toISOString();
  return runHead({
    runId,
    status,
    tasks: { a: { type: 'noop', status: status === 'running' ? 'scheduled' : 'succeeded', attempt: 1 } },
    open: status === 'running' ? 1 : 0,
    startedAt: at,
    updatedAt: at,
  });
}

/** A new runs bucket, and the same counting the states read one by one (`get`) and whole (`latest`). */
async function countedBucket() {
  const bucket = await kv.fresh('runs', RunState);
  return { bucket, ...countedReads(bucket) };
}

/** A reconciler that sweeps only when the test asks, on the test's clock; records what it reconciles. */
function reconcilerOn(
  bucket: JsonBucket<RunState>,
  now: () => number,
  look: LookInFlight = async () => NOT_WAITING,
) {
  const reconciled: string[] = [];
  const abandoned: AbandonedTask[][] = [];
  const reconciler = startReconciler({
    bucket,
    lookInFlight: look,
    log: pino({ level: 'silent' }),
    clock: { now, iso: () => new Date(now()).toISOString() },
    intervalMs: 3_600_000,
    stuckAfterMs: STUCK_AFTER_MS,
    abandonAfterMs: ABANDON_AFTER_MS,
    reconcile: async (runId, abandon) => {
      reconciled.push(runId);
      abandoned.push([...abandon]);
    },
  });
  return { reconciler, reconciled, abandoned };
}

describe('engine reconciler - sweeps', () => {
  it('reads every run once, then only runs written since that have been quiet long enough', async () => {
    const { bucket, counted, reads } = await countedBucket();
    let now = Date.now();
    const long = now - 2 * STUCK_AFTER_MS;
    for (let i = 0; i < 20; i++) await bucket.put(`run_done${i}`, run(`run_done${i}`, 'succeeded', long));
    await bucket.put('run_stuck', run('run_stuck', 'running', long));
    await bucket.put('run_busy', run('run_busy', 'running', now));
    const { reconciler, reconciled } = reconcilerOn(counted, () => now);
    try {
      await reconciler.sweep();
      expect(reconciled).toEqual(['run_stuck']);
      expect(reads.latest).toBe(1);
      // The stuck run's state is read again to decide; no other run's is.
      expect(reads.get).toEqual(['run_stuck']);

      // A run ends and another starts; the stuck one is still stuck.
      reads.get.length = 0;
      await bucket.put('run_busy', run('run_busy', 'succeeded', now));
      await bucket.put('run_new', run('run_new', 'running', now));
      await reconciler.sweep();
      expect(reads.latest).toBe(1);
      expect(reads.get).toEqual(['run_stuck']);
      expect(reconciled).toEqual(['run_stuck', 'run_stuck']);

      // Once quiet for long enough, the runs written since are read once each: the one that ended is
      // forgotten, the one still running is reconciled; the 20 runs that ended long ago stay unread.
      reads.get.length = 0;
      now += STUCK_AFTER_MS + 1_000;
      await reconciler.sweep();
      expect(reads.get.sort()).toEqual(['run_busy', 'run_new', 'run_stuck']);
      expect(reconciled.slice(2).sort()).toEqual(['run_new', 'run_stuck']);
      reads.get.length = 0;
      await reconciler.sweep();
      expect(reads.get.sort()).toEqual(['run_new', 'run_stuck']);
    } finally {
      await reconciler.stop();
    }
  });

  it('reads no run whole again after a first sweep that found the bucket empty', async () => {
    const { bucket, counted, reads } = await countedBucket();
    let now = Date.now();
    const { reconciler, reconciled } = reconcilerOn(counted, () => now);
    try {
      await reconciler.sweep();
      expect(reads.latest).toBe(1);
      await bucket.put('run_later', run('run_later', 'running', now));
      now += STUCK_AFTER_MS + 1_000;
      await reconciler.sweep();
      expect(reads.latest).toBe(1);
      expect(reads.get).toEqual(['run_later']);
      expect(reconciled).toEqual(['run_later']);
    } finally {
      await reconciler.stop();
    }
  });

  it('looks at a waiting run again only when its wait would be over', async () => {
    const { bucket, counted, reads } = await countedBucket();
    let now = Date.now();
    await bucket.put('run_parked', run('run_parked', 'running', now - 2 * STUCK_AFTER_MS));
    const waitsUntil = now + 10 * STUCK_AFTER_MS;
    const { reconciler, reconciled } = reconcilerOn(
      counted,
      () => now,
      async (_state, at) => (at < waitsUntil ? { waitingUntil: waitsUntil, unattended: [] } : NOT_WAITING),
    );
    try {
      await reconciler.sweep();
      now += 5 * STUCK_AFTER_MS;
      await reconciler.sweep();
      expect(reads.get).toEqual(['run_parked']);
      expect(reconciled).toEqual([]);
      now = waitsUntil;
      await reconciler.sweep();
      expect(reads.get).toEqual(['run_parked', 'run_parked']);
      expect(reconciled).toEqual(['run_parked']);
    } finally {
      await reconciler.stop();
    }
  });

  it('gives up only the tasks unattended for abandonAfterMs, and sends the others again', async () => {
    const { bucket } = await countedBucket();
    let now = Date.now();
    await bucket.put('run_orphan', run('run_orphan', 'running', now - 2 * STUCK_AFTER_MS));
    const sentAt = now - STUCK_AFTER_MS;
    const { reconciler, reconciled, abandoned } = reconcilerOn(
      bucket,
      () => now,
      async () => ({
        waitingUntil: undefined,
        unattended: [
          { taskKey: 'a', attempt: 1, since: sentAt },
          // A runner took this one later (it started an attempt): its time runs from then.
          { taskKey: 'b', attempt: 2, since: sentAt + 10 * STUCK_AFTER_MS },
        ],
      }),
    );
    try {
      await reconciler.sweep();
      now = sentAt + ABANDON_AFTER_MS - 1;
      await reconciler.sweep();
      expect(reconciled).toEqual(['run_orphan', 'run_orphan']);
      expect(abandoned).toEqual([[], []]);
      now = sentAt + ABANDON_AFTER_MS;
      await reconciler.sweep();
      expect(abandoned[2]).toEqual([{ taskKey: 'a', attempt: 1, since: new Date(sentAt).toISOString() }]);
    } finally {
      await reconciler.stop();
    }
  });

  it('leaves a run a newer engine wrote to that engine', async () => {
    const { bucket } = await countedBucket();
    const now = Date.now();
    await bucket.put('run_newer', { ...run('run_newer', 'running', now - 2 * STUCK_AFTER_MS), layout: 2 });
    await bucket.put('run_mine', run('run_mine', 'running', now - 2 * STUCK_AFTER_MS));
    const { reconciler, reconciled } = reconcilerOn(bucket, () => now);
    try {
      await reconciler.sweep();
      expect(reconciled).toEqual(['run_mine']);
    } finally {
      await reconciler.stop();
    }
  });
});

describe('engine reconciler - NATS out of reach', () => {
  it('stops a sweep at the first run it could not reconcile for want of NATS, but goes on past other failures and reports them', async () => {
    const { bucket } = await countedBucket();
    const now = Date.now();
    const long = now - 2 * STUCK_AFTER_MS;
    for (const id of ['run_x1', 'run_x2', 'run_x3']) await bucket.put(id, run(id, 'running', long));
    const tried: string[] = [];
    let failure: Error = new Error('a bug in one run');
    const reports: { code: string; message: string }[] = [];
    const reconciler = startReconciler({
      bucket,
      report: (problem) => reports.push(problem),
      lookInFlight: async () => NOT_WAITING,
      log: pino({ level: 'silent' }),
      clock: { now: () => now, iso: () => new Date(now).toISOString() },
      intervalMs: 3_600_000,
      stuckAfterMs: STUCK_AFTER_MS,
      abandonAfterMs: ABANDON_AFTER_MS,
      reconcile: async (runId) => {
        tried.push(runId);
        throw failure;
      },
    });
    try {
      await reconciler.sweep();
      expect(tried).toHaveLength(3);
      // Each goes to the engine's presence entry (oo status shows it), not only to its log.
      expect(reports).toHaveLength(3);
      expect(reports[0]).toEqual({
        code: 'OO_ERR_HANDLER_FAILED',
        message: `reconciling run ${tried[0]} failed: a bug in one run`,
      });
      tried.length = 0;
      reports.length = 0;
      failure = new TimeoutError();
      await reconciler.sweep();
      expect(tried).toHaveLength(1);
      expect(reports).toEqual([]);
    } finally {
      await reconciler.stop();
    }
  });
});
