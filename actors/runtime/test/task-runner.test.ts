import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  durableName,
  OoError,
  runEventSubject,
  StreamNames,
  type TaskMessage,
  taskSubject,
  terminal,
} from '@oo/contracts';
import { type AnyTaskDefinition, type DefineRunnerOptions, defineRunner, defineTask } from '@oo/runtime';
import { freshName, spawnTsx, waitFor } from '@oo/test-harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
// The testbed lives with the runner's test fixtures because the runtime's test/fixtures folder was
// not open to this change; it depends only on the runtime, contracts and the test harness.
import { startTestbed, type Testbed } from './fixtures/task-testbed.js';

let bed: Testbed;
beforeAll(async () => {
  bed = await startTestbed();
});
afterEach(() => bed.stopActors());
afterAll(() => bed.stop());

/** A task type no other test uses, so no consumer of another test sees its messages. */
const freshType = () => `${freshName('t')}.work`;
const startRunner = (tasks: AnyTaskDefinition[], options: Partial<DefineRunnerOptions> = {}) =>
  bed.start(defineRunner({ name: freshName('runner-'), version: '1.0.0', tasks, ...options }));
const at = () => new Date().toISOString();
const FAST_RETRY = { maxAttempts: 3, backoffMs: 20, maxBackoffMs: 1_000, jitter: 0 };

/** What the engine's reconciler sends for a run that looks stuck: the same task, a new message. */
const sendCopy = (type: string, runId: string, extra: Partial<TaskMessage> = {}) =>
  bed.client.publish(taskSubject(type), { runId, taskKey: 'work', type, attempt: 1, input: {}, ...extra });

/**
 * Resolves once the copy was delivered and acked while the original is still out, and before
 * `before` (ms since epoch) when given. A copy that comes while its instance still handles the
 * original is held back a second first (a delivery later), so deliveries are counted from 2 on.
 */
const copyAckedBesideOriginal = (runnerName: string, type: string, what: string, before = Infinity) =>
  waitFor(
    async () => {
      const durable = durableName(runnerName, taskSubject(type).name);
      const info = await bed.client.nats.jsm.consumers.info(StreamNames.tasks, durable);
      const alone = info.num_pending === 0 && info.delivered.consumer_seq >= 2 && info.num_ack_pending === 1;
      return alone && Date.now() < before;
    },
    { what },
  );

const Doubling = z.object({ n: z.number().int() });

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const cancel = (runId: string) =>
  bed.client.publish(runEventSubject('cancelled'), {
    runId,
    template: 't',
    version: 1,
    status: 'cancelled',
    at: at(),
  });

describe('task runner - outcomes', () => {
  it('reports a succeeding task exactly once, with its output', async () => {
    const type = freshType();
    const runner = await startRunner([
      defineTask({
        type,
        input: Doubling,
        output: z.object({ doubled: z.number() }),
        run: async (_c, i) => ({ doubled: i.n * 2 }),
      }),
    ]);
    const runId = await bed.dispatch(type, { n: 21 });
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({
      runId,
      taskKey: 'work',
      attempt: 1,
      outcome: 'succeeded',
      output: { doubled: 42 },
    });
    // Acked: nothing can produce another report; then everything published before is in.
    const durable = durableName(runner.name, taskSubject(type).name);
    await waitFor(async () => {
      const info = await bed.client.nats.jsm.consumers.info(StreamNames.tasks, durable);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    const marker = freshName('run_');
    await bed.reports.settled({
      runId: marker,
      taskKey: 'work',
      type: 'marker',
      status: 'succeeded',
      attempt: 1,
      at: at(),
    });
    expect(bed.reports.of(runId)).toHaveLength(1);
  });

  it('retries a retryable failure with backoff, then succeeds', async () => {
    const type = freshType();
    const seen: Array<{ attempt: number; at: number }> = [];
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({ attempt: z.number() }),
        async run(ctx) {
          seen.push({ attempt: ctx.attempt, at: Date.now() });
          if (ctx.attempt < 3)
            throw new OoError('OO_ERR_HANDLER_FAILED', `flaky ${ctx.attempt}`, { retryable: true });
          return { attempt: ctx.attempt };
        },
      }),
    ]);
    const runId = await bed.dispatch(type, {}, { retry: FAST_RETRY });
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({ outcome: 'succeeded', attempt: 3, output: { attempt: 3 } });
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(20);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(40);
    // running 1, failed 1, running 2, failed 2 (the third attempt ends before it is announced)
    const failed = (await bed.events.waitFor(runId, 4)).filter((e) => e.status === 'failed');
    expect(failed.map((e) => [e.attempt, e.error?.message, typeof e.retryAt])).toEqual([
      [1, 'flaky 1', 'string'],
      [2, 'flaky 2', 'string'],
    ]);
  });

  it.each([
    ['as it is', {}],
    // Errors that cannot cross the bus as they are (ErrorData), made to fit before they are reported:
    ['with a retry-after that is not a whole number of ms', { retryAfterMs: 30.5 }],
    ['with a negative retry-after (a rate limit reset already past)', { retryAfterMs: -1_000 }],
    ['with details that are not JSON', { details: { id: 10n } }],
  ])('reports the last error once the attempts are exhausted (%s)', async (_what, options) => {
    const type = freshType();
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({}),
        async run(ctx) {
          throw new OoError('OO_ERR_HANDLER_FAILED', `boom on attempt ${ctx.attempt}`, {
            retryable: true,
            ...options,
          });
        },
      }),
    ]);
    const runId = await bed.dispatch(type, {}, { retry: { ...FAST_RETRY, maxAttempts: 2 } });
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({
      outcome: 'failed',
      attempt: 2,
      error: { code: 'OO_ERR_HANDLER_FAILED', message: 'boom on attempt 2', retryable: true },
    });
  });

  it('does not retry a terminal error', async () => {
    const type = freshType();
    let calls = 0;
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({}),
        async run() {
          calls++;
          throw terminal('OO_ERR_AUTH_FORBIDDEN', 'not allowed');
        },
      }),
    ]);
    const runId = await bed.dispatch(type, {}, { retry: FAST_RETRY });
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({
      outcome: 'failed',
      attempt: 1,
      error: { code: 'OO_ERR_AUTH_FORBIDDEN', retryable: false },
    });
    expect(calls).toBe(1);
  });

  it('fails invalid input terminally, naming the field, without running the task', async () => {
    const type = freshType();
    let calls = 0;
    await startRunner([
      defineTask({
        type,
        input: Doubling,
        output: z.object({}),
        run: async () => {
          calls++;
          return {};
        },
      }),
    ]);
    const runId = await bed.dispatch(type, { n: 'one' });
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({
      outcome: 'failed',
      attempt: 1,
      error: { code: 'OO_ERR_WORKFLOW_TASK_INPUT', retryable: false },
    });
    expect(report?.error?.message).toMatch(/\bn: /);
    expect(report?.error?.details?.issues).toEqual([expect.objectContaining({ path: 'n' })]);
    expect(calls).toBe(0);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])(
    'fails a task that asks to be looked at again after %s ms, naming ctx.again',
    async (delay) => {
      const type = freshType();
      await startRunner([
        defineTask({
          type,
          input: z.object({}),
          output: z.object({}),
          // A delay computed from a date that did not parse, say.
          run: async (ctx) => ctx.again(delay),
        }),
      ]);
      const runId = await bed.dispatch(type, {}, { retry: { ...FAST_RETRY, maxAttempts: 2 } });
      const [report] = await bed.reports.waitFor(runId);
      expect(report).toMatchObject({ outcome: 'failed', attempt: 2 });
      expect(report?.error?.message).toMatch(/ctx\.again/);
    },
  );

  it('fails an output that does not match the output schema terminally, naming the field', async () => {
    const type = freshType();
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({ n: z.number().int() }),
        run: async () => ({ n: 1.5 }),
      }),
    ]);
    const runId = await bed.dispatch(type, {}, { retry: FAST_RETRY });
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({
      outcome: 'failed',
      attempt: 1,
      error: { code: 'OO_ERR_WORKFLOW_TASK_OUTPUT' },
    });
    expect(report?.error?.message).toMatch(/\bn: /);
  });

  it('polls with ctx.again without spending attempts, announcing the attempt once', async () => {
    const type = freshType();
    const attempts: number[] = [];
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({ polls: z.number() }),
        async run(ctx) {
          attempts.push(ctx.attempt);
          return attempts.length <= 3 ? ctx.again(20) : { polls: attempts.length };
        },
      }),
    ]);
    const runId = await bed.dispatch(type, {});
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({ outcome: 'succeeded', attempt: 1, output: { polls: 4 } });
    expect(attempts).toEqual([1, 1, 1, 1]);
    await bed.events.settled({
      runId: freshName('run_'),
      taskKey: 'work',
      type,
      status: 'pending',
      attempt: 0,
      at: at(),
    });
    expect(bed.events.of(runId).map((e) => e.status)).toEqual(['running', 'succeeded']);
  });

  it('drops a copy of a task while its message is parked, so one chain of looks goes on', async () => {
    const type = freshType();
    let looks = 0;
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({}),
        vars: z.object({ since: z.number() }),
        async run(ctx) {
          looks++;
          const since = ctx.vars.get('since') ?? Date.now();
          await ctx.vars.set('since', since);
          return Date.now() - since < 2_000 ? ctx.again(400) : {};
        },
      }),
    ]);
    const runId = await bed.dispatch(type, {});
    await waitFor(() => looks >= 2);
    await sendCopy(type, runId);
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({ outcome: 'succeeded', attempt: 1 });
    // 2 s at a look every 0.4 s is 6 looks; a second chain would have added 3 or more.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(looks).toBeGreaterThanOrEqual(5);
    expect(looks).toBeLessThanOrEqual(7);
    expect(bed.reports.of(runId)).toHaveLength(1);
  });

  it('drops a copy of a task that comes during its retry backoff', async () => {
    const type = freshType();
    const name = freshName('runner-');
    const attempts: number[] = [];
    await startRunner(
      [
        defineTask({
          type,
          input: z.object({}),
          output: z.object({}),
          vars: z.object({ tried: z.boolean() }),
          async run(ctx) {
            attempts.push(ctx.attempt);
            await ctx.vars.set('tried', true);
            if (ctx.attempt === 1) throw new OoError('OO_ERR_HANDLER_FAILED', 'flaky', { retryable: true });
            return {};
          },
        }),
      ],
      { name },
    );
    const retry = { maxAttempts: 3, backoffMs: 3_000, maxBackoffMs: 3_000, jitter: 0 };
    const runId = await bed.dispatch(type, {}, { retry });
    // running 1, failed 1 with retryAt: parked for the backoff
    const failed = (await bed.events.waitFor(runId, 2)).find((e) => e.status === 'failed');
    await sendCopy(type, runId, { retry });
    // The copy is acked before the backoff is over; only the original stays out, parked until then.
    // (Had the copy parked for the backoff too, two would be out until both came back.)
    const backoffOver = Date.parse(failed?.retryAt ?? '');
    await copyAckedBesideOriginal(name, type, 'the copy acked and the original alone parked', backoffOver);
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({ outcome: 'succeeded', attempt: 2 });
    expect(attempts).toEqual([1, 2]);
  });

  it('drops a copy that comes to another instance while an attempt with a deadline runs', async () => {
    const type = freshType();
    const name = freshName('runner-');
    const running = deferred();
    const finish = deferred();
    let runs = 0;
    const task = defineTask({
      type,
      input: z.object({}),
      output: z.object({}),
      timeoutMs: 10_000,
      async run() {
        runs++;
        running.resolve();
        await finish.promise;
        return {};
      },
    });
    // One delivery at a time each: while the first instance runs the task, the copy goes to the other.
    await startRunner([task], { name, concurrency: 1 });
    await startRunner([task], { name, concurrency: 1 });
    const runId = await bed.dispatch(type, {});
    await running.promise;
    await sendCopy(type, runId);
    await copyAckedBesideOriginal(name, type, 'the copy acked while the attempt runs');
    finish.resolve();
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({ outcome: 'succeeded', attempt: 1 });
    expect(runs).toBe(1);
  });

  it('gives the next attempt the variables a failed attempt stored', async () => {
    const type = freshType();
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({ seen: z.string().optional() }),
        vars: z.object({ token: z.string() }),
        async run(ctx) {
          if (ctx.attempt === 1) {
            await ctx.vars.set('token', 'tok-1');
            throw new OoError('OO_ERR_HANDLER_FAILED', 'lost the connection after the side effect', {
              retryable: true,
            });
          }
          return { seen: ctx.vars.get('token') };
        },
      }),
    ]);
    const runId = await bed.dispatch(type, {}, { retry: FAST_RETRY });
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({ outcome: 'succeeded', attempt: 2, output: { seen: 'tok-1' } });
  });
});

describe('task runner - timeouts, cancels and failures of runners', () => {
  it('fails an attempt that outlives its timeout with OO_ERR_TIMEOUT and aborts its signal', async () => {
    const type = freshType();
    const reason = deferred<unknown>();
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({}),
        async run(ctx) {
          ctx.signal.addEventListener('abort', () => reason.resolve(ctx.signal.reason));
          return new Promise(() => undefined);
        },
      }),
    ]);
    const runId = await bed.dispatch(type, {}, { timeoutMs: 200, retry: { ...FAST_RETRY, maxAttempts: 1 } });
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({ outcome: 'failed', error: { code: 'OO_ERR_TIMEOUT', retryable: true } });
    expect(await reason.promise).toMatchObject({ code: 'OO_ERR_TIMEOUT' });
  });

  it('lets an attempt with a timeout longer than a timer can hold (24.8 days) run', async () => {
    const type = freshType();
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({ ok: z.boolean() }),
        timeoutMs: 30 * 86_400_000,
        async run() {
          await new Promise((r) => setTimeout(r, 100));
          return { ok: true };
        },
      }),
    ]);
    const runId = await bed.dispatch(type, {}, { retry: { ...FAST_RETRY, maxAttempts: 1 } });
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({ outcome: 'succeeded', output: { ok: true } });
  });

  it('keeps an attempt’s deadline across ctx.again', async () => {
    const type = freshType();
    await startRunner([
      defineTask({ type, input: z.object({}), output: z.object({}), run: async (ctx) => ctx.again(50) }),
    ]);
    const runId = await bed.dispatch(type, {}, { timeoutMs: 300, retry: { ...FAST_RETRY, maxAttempts: 1 } });
    const [report] = await bed.reports.waitFor(runId);
    expect(report).toMatchObject({ outcome: 'failed', attempt: 1, error: { code: 'OO_ERR_TIMEOUT' } });
  });

  it('aborts the signal of a running task when its run is cancelled, and reports nothing', async () => {
    const type = freshType();
    const started = deferred();
    const reason = deferred<unknown>();
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({}),
        async run(ctx) {
          ctx.signal.addEventListener('abort', () => reason.resolve(ctx.signal.reason));
          started.resolve();
          return new Promise(() => undefined);
        },
      }),
    ]);
    const runId = await bed.dispatch(type, {});
    await started.promise;
    await cancel(runId);
    expect(await reason.promise).toMatchObject({ code: 'OO_ERR_CANCELLED' });
    await bed.events.waitFor(runId, 2);
    expect(bed.events.of(runId).map((e) => e.status)).toEqual(['running', 'cancelled']);
    const marker = freshName('run_');
    await bed.reports.settled({
      runId: marker,
      taskKey: 'work',
      type: 'marker',
      status: 'succeeded',
      attempt: 1,
      at: at(),
    });
    expect(bed.reports.of(runId)).toEqual([]);
  });

  it('does not run again a parked task whose run was cancelled meanwhile', async () => {
    const type = freshType();
    const firstCall = deferred();
    let calls = 0;
    await startRunner([
      defineTask({
        type,
        input: z.object({}),
        output: z.object({}),
        async run(ctx) {
          calls++;
          firstCall.resolve();
          return ctx.again(500);
        },
      }),
    ]);
    const runId = await bed.dispatch(type, {});
    await firstCall.promise;
    await cancel(runId);
    await bed.events.waitFor(runId, 2);
    expect(bed.events.of(runId).map((e) => e.status)).toEqual(['running', 'cancelled']);
    expect(calls).toBe(1);
  });

  it('shares the work between two instances, each task handled once', async () => {
    const type = freshType();
    const name = freshName('runner-');
    const calls = new Map<string, number>();
    let busy = 0;
    const bothBusy = deferred();
    const task = (by: string) =>
      defineTask({
        type,
        input: z.object({}),
        output: z.object({ by: z.string() }),
        async run(ctx) {
          calls.set(ctx.runId, (calls.get(ctx.runId) ?? 0) + 1);
          // With one task at a time per instance, two running at once means both instances work.
          if (++busy >= 2) bothBusy.resolve();
          await bothBusy.promise;
          busy--;
          return { by };
        },
      });
    await startRunner([task('a')], { name, concurrency: 1 });
    await startRunner([task('b')], { name, concurrency: 1 });
    const runIds = await Promise.all(Array.from({ length: 10 }, () => bed.dispatch(type, {})));
    const done = await Promise.all(runIds.map(async (id) => (await bed.reports.waitFor(id))[0]));
    expect(new Set(done.map((r) => (r?.output as { by: string } | undefined)?.by))).toEqual(
      new Set(['a', 'b']),
    );
    expect(runIds.map((id) => calls.get(id))).toEqual(runIds.map(() => 1));
  });

  it.each([
    ['', {}],
    // Its message holds the task until the deadline, a minute away: the next runner goes on at
    // once all the same (a held message back early is parked again only when `again` parked it).
    [' and a deadline', { TIMEOUT_MS: '60000' }],
  ])(
    'completes a task after its runner is killed mid-task, with the side effect done once%s',
    async (_, timeout) => {
      const token = freshName('');
      const dir = mkdtempSync(join(tmpdir(), 'oo-task-crash-'));
      const files = { COUNT_FILE: join(dir, 'count'), SIDE_FILE: join(dir, 'side') };
      const script = fileURLToPath(new URL('./fixtures/task-crash-process.ts', import.meta.url));
      const env = { NATS_URL: bed.nats.url, OO_LOG_LEVEL: 'silent', TOKEN: token, ...files, ...timeout };
      const first = spawnTsx(script, { ...env, HANG: '1' });
      await first.waitForLine(/^ready /);
      const runId = await bed.dispatch(`crash${token}`, {});
      await first.waitForLine(/^side-effect-done/);
      await first.kill('SIGKILL');
      const second = spawnTsx(script, env);
      try {
        const [report] = await bed.reports.waitFor(runId, 1, 30_000);
        expect(report).toMatchObject({ outcome: 'succeeded', attempt: 1, output: { ok: true } });
        expect(readFileSync(files.SIDE_FILE, 'utf8')).toBe('effect\n');
        // Delivery is at least once, so the task may run more than once after the restart; the
        // variable it stored keeps every later run from repeating the side effect.
        const [before, after, ...later] = readFileSync(files.COUNT_FILE, 'utf8').trim().split('\n');
        expect([before, after]).toEqual(['before', 'after']);
        expect(later.length).toBeGreaterThanOrEqual(1);
        expect(new Set(later)).toEqual(new Set(['skipped']));
      } finally {
        await second.kill('SIGTERM');
      }
    },
  );
});
