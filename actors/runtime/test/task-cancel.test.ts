/**
 * `onCancel`: a task in flight when its run ends (cancelled, or failed by another task) gets to stop
 * what it started, with its variables. Runner against a real nats-server.
 */
import {
  BucketNames,
  OoError,
  RunEnd,
  type RunStatus,
  runEndKey,
  runEventSubject,
  taskEndKey,
  taskEventSubject,
} from '@oo/contracts';
import {
  type AnyTaskDefinition,
  connectNats,
  defineRunner,
  defineTask,
  jsonBucket,
  type Nats,
} from '@oo/runtime';
import { freshName } from '@oo/test-harness';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { testConfig } from './fixtures/setup.js';
import { startTestbed, type Testbed } from './fixtures/task-testbed.js';

let bed: Testbed;
let nats: Nats;
beforeAll(async () => {
  bed = await startTestbed();
  nats = await connectNats(testConfig(bed.nats.url).nats, 'run-ends-writer');
});
afterEach(() => bed.stopActors());
afterAll(async () => {
  await nats.nc.close();
  await bed.stop();
});

const freshType = () => `${freshName('t')}.work`;
const startRunner = (tasks: AnyTaskDefinition[]) =>
  bed.start(defineRunner({ name: freshName('runner-'), version: '1.0.0', tasks }));
const at = () => new Date().toISOString();

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Ends a run as the engine does: recorded in `run_ends`, then announced with its run event. */
async function endRun(runId: string, status: Extract<RunStatus, 'cancelled' | 'failed'>, message: string) {
  const runEnds = jsonBucket(await nats.kvm.open(BucketNames.runEnds), BucketNames.runEnds, RunEnd);
  await runEnds.put(runEndKey(runId), { runId, status, reason: message, at: at() });
  await bed.client.publish(runEventSubject(status), {
    runId,
    template: 't',
    version: 1,
    status,
    error: {
      code: status === 'failed' ? 'OO_ERR_HANDLER_FAILED' : 'OO_ERR_CANCELLED',
      message,
      retryable: false,
    },
    at: at(),
  });
}

/**
 * Cancels one task of a run that goes on, as the engine does when a forEach element fails beside
 * it: recorded in `run_ends` under the task's key, then announced with the task's `cancelled` event.
 */
async function cancelTask(runId: string, taskKey: string, reason: string) {
  const runEnds = jsonBucket(await nats.kvm.open(BucketNames.runEnds), BucketNames.runEnds, RunEnd);
  await runEnds.put(taskEndKey(runId, taskKey), { runId, status: 'cancelled', reason, at: at() });
  await bed.client.publish(taskEventSubject('cancelled'), {
    runId,
    taskKey,
    type: 't',
    status: 'cancelled',
    attempt: 1,
    at: at(),
  });
}

/** A task that does nothing but count its runs. */
function countingTask(type: string) {
  let runs = 0;
  const task = defineTask({
    type,
    input: z.object({}),
    output: z.object({}),
    async run() {
      runs++;
      return {};
    },
  });
  return { task, runs: () => runs };
}

interface Seen {
  jobId: number | undefined;
  code: string;
  message: string;
  signalAborted: boolean;
}

/** A task that stores a job id, then either hangs (until aborted) or polls with `again`. */
function jobTask(type: string, mode: 'hang' | 'poll', started: () => void, onCancel: (s: Seen) => void) {
  return defineTask({
    type,
    input: z.object({}),
    output: z.object({}),
    vars: z.object({ jobId: z.number() }),
    async run(ctx) {
      if (ctx.vars.get('jobId') === undefined) await ctx.vars.set('jobId', 7);
      started();
      if (mode === 'poll') return ctx.again(300);
      return new Promise((_, reject) => {
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      });
    },
    async onCancel(ctx) {
      expectTypeOf(ctx.vars.get('jobId')).toEqualTypeOf<number | undefined>();
      onCancel({
        jobId: ctx.vars.get('jobId'),
        code: ctx.reason.code,
        message: ctx.reason.message,
        signalAborted: ctx.signal.aborted,
      });
    },
  });
}

describe('task runner - onCancel', () => {
  it('calls onCancel with the task’s variables when its run is cancelled while it runs', async () => {
    const type = freshType();
    const started = deferred();
    const seen: Seen[] = [];
    await startRunner([jobTask(type, 'hang', started.resolve, (s) => seen.push(s))]);
    const runId = await bed.dispatch(type, {});
    await started.promise;
    await endRun(runId, 'cancelled', 'operator said stop');
    const events = await bed.events.waitFor(runId, 2);
    expect(events.map((e) => e.status)).toEqual(['running', 'cancelled']);
    expect(seen).toEqual([
      {
        jobId: 7,
        code: 'OO_ERR_CANCELLED',
        message: `run ${runId} cancelled: operator said stop`,
        signalAborted: false,
      },
    ]);
  });

  /** A polling job task of a fresh type, counting its runs and recording its onCancel calls. */
  function pollingJob() {
    const started = deferred();
    const seen: Seen[] = [];
    let runs = 0;
    const task = jobTask(
      freshType(),
      'poll',
      () => {
        runs++;
        started.resolve();
      },
      (s) => seen.push(s),
    );
    return { task, started: started.promise, seen, runs: () => runs };
  }

  it('calls onCancel when a parked task comes back after its run was cancelled, without running it again', async () => {
    const job = pollingJob();
    await startRunner([job.task]);
    const runId = await bed.dispatch(job.task.type, {});
    await job.started;
    await endRun(runId, 'cancelled', 'stop');
    await bed.events.waitFor(runId, 2);
    expect(job.seen.map((s) => s.jobId)).toEqual([7]);
    expect(job.runs()).toBe(1);
  });

  it('calls onCancel for a parked task whose run ended while its runner was down, and never runs it again', async () => {
    const job = pollingJob();
    const runner = defineRunner({ name: freshName('runner-'), version: '1.0.0', tasks: [job.task] });
    await bed.start(runner);
    const runId = await bed.dispatch(job.task.type, {});
    await job.started;
    await bed.stopActors();
    // No instance hears this end: the restarted one learns it from run_ends.
    await endRun(runId, 'cancelled', 'cancelled while the runner was down');
    await bed.start(runner);
    const events = await bed.events.waitFor(runId, 2);
    expect(events.map((e) => e.status)).toEqual(['running', 'cancelled']);
    expect(job.seen).toEqual([
      expect.objectContaining({
        jobId: 7,
        code: 'OO_ERR_CANCELLED',
        message: `run ${runId} cancelled: cancelled while the runner was down`,
      }),
    ]);
    expect(job.runs()).toBe(1);
  });

  it('aborts a task cancelled on its own while its run goes on, and not the run’s other tasks', async () => {
    const type = freshType();
    const started: string[] = [];
    const bothStarted = deferred();
    const seen: Seen[] = [];
    await startRunner([
      jobTask(
        type,
        'hang',
        () => {
          started.push('one');
          if (started.length === 2) bothStarted.resolve();
        },
        (s) => seen.push(s),
      ),
    ]);
    const runId = await bed.dispatch(type, {}, { taskKey: 'each[0]' });
    await bed.dispatch(type, {}, { runId, taskKey: 'each[1]' });
    await bothStarted.promise;
    await cancelTask(runId, 'each[0]', 'forEach each failed: boom');
    await expect.poll(() => seen.length).toBe(1);
    // Heard live from the event, which carries no reason of its own.
    expect(seen[0]).toMatchObject({
      code: 'OO_ERR_CANCELLED',
      message: `task each[0] of run ${runId} cancelled: cancelled by the engine`,
    });
    // The other element still runs until its run ends.
    await endRun(runId, 'cancelled', 'operator said stop');
    await expect.poll(() => seen.length).toBe(2);
    expect(seen[1]?.message).toBe(`run ${runId} cancelled: operator said stop`);
  });

  it('drops a parked task cancelled on its own while its runner was down, calling onCancel, never running it again', async () => {
    const job = pollingJob();
    const runner = defineRunner({ name: freshName('runner-'), version: '1.0.0', tasks: [job.task] });
    await bed.start(runner);
    const runId = await bed.dispatch(job.task.type, {}, { taskKey: 'each[3]' });
    await job.started;
    await bed.stopActors();
    // No instance hears the event: the restarted one learns it from run_ends.
    await cancelTask(runId, 'each[3]', 'forEach each failed: boom');
    await bed.start(runner);
    await expect.poll(() => job.seen.length, { timeout: 10_000 }).toBe(1);
    expect(job.seen[0]).toMatchObject({
      jobId: 7,
      message: `task each[3] of run ${runId} cancelled: forEach each failed: boom`,
    });
    expect(job.runs()).toBe(1);
  });

  it('aborts a running task and calls onCancel when another task failed its run', async () => {
    const type = freshType();
    const started = deferred();
    const seen: Seen[] = [];
    await startRunner([jobTask(type, 'hang', started.resolve, (s) => seen.push(s))]);
    const runId = await bed.dispatch(type, {});
    await started.promise;
    await endRun(runId, 'failed', 'deploy failed');
    await bed.events.waitFor(runId, 2);
    expect(seen).toEqual([
      expect.objectContaining({ jobId: 7, message: `run ${runId} failed: deploy failed` }),
    ]);
  });

  it('calls onCancel, not run, for a task delivered after its run ended', async () => {
    const type = freshType();
    let runs = 0;
    const seen: Seen[] = [];
    await startRunner([
      jobTask(
        type,
        'hang',
        () => runs++,
        (s) => seen.push(s),
      ),
    ]);
    const runId = freshName('run_');
    await endRun(runId, 'cancelled', 'early');
    await bed.dispatch(type, {}, { runId });
    const events = await bed.events.waitFor(runId);
    expect(events.map((e) => e.status)).toEqual(['cancelled']);
    expect(runs).toBe(0);
    // Its input is all it has: an earlier task's job id would be there.
    expect(seen).toEqual([expect.objectContaining({ jobId: undefined, code: 'OO_ERR_CANCELLED' })]);
  });

  it('never runs a queued task without onCancel whose run was cancelled before its runner started', async () => {
    const type = freshType();
    const { task, runs } = countingTask(type);
    const cancelled = freshName('run_');
    const going = freshName('run_');
    // Sent while no runner hosts the type; then the run is cancelled, heard by nobody.
    await bed.dispatch(type, {}, { runId: cancelled });
    await bed.dispatch(type, {}, { runId: going });
    await endRun(cancelled, 'cancelled', 'cancelled before any runner listened');
    await startRunner([task]);
    expect((await bed.events.waitFor(cancelled)).map((e) => e.status)).toEqual(['cancelled']);
    expect((await bed.events.waitFor(going)).map((e) => e.status)).toEqual(['succeeded']);
    expect(runs()).toBe(1);
  });

  it('never runs such a task on a runner whose clock runs behind the server’s', async () => {
    const type = freshType();
    const { task, runs } = countingTask(type);
    const cancelled = freshName('run_');
    await bed.dispatch(type, {}, { runId: cancelled });
    await endRun(cancelled, 'cancelled', 'cancelled before any runner listened');
    // Ten minutes behind: by its clock, the task was sent long after it started listening.
    const behind = {
      now: () => Date.now() - 600_000,
      iso: () => new Date(Date.now() - 600_000).toISOString(),
    };
    await bed.start(defineRunner({ name: freshName('runner-'), version: '1.0.0', tasks: [task] }), {
      clock: behind,
    });
    expect((await bed.events.waitFor(cancelled)).map((e) => e.status)).toEqual(['cancelled']);
    const going = await bed.dispatch(type, {});
    expect((await bed.events.waitFor(going)).map((e) => e.status)).toEqual(['succeeded']);
    expect(runs()).toBe(1);
  });

  it('carries a failing onCancel’s error on the cancelled task event', async () => {
    const type = freshType();
    const started = deferred();
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({}),
        async run(ctx) {
          started.resolve();
          return ctx.again(300);
        },
        async onCancel() {
          throw new OoError('OO_ERR_AWX_SERVER_ERROR', 'AWX answered 503 to the cancel');
        },
      }),
    ]);
    const runId = await bed.dispatch(type, {});
    await started.promise;
    await endRun(runId, 'cancelled', 'stop');
    const [, cancelled] = await bed.events.waitFor(runId, 2);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      error: { code: 'OO_ERR_AWX_SERVER_ERROR', message: 'AWX answered 503 to the cancel' },
    });
  });
});
