import {
  BucketNames,
  type ChildRunEnded,
  durableName,
  EngineSubjects,
  newId,
  OoError,
  runEndKey,
  StreamNames,
  type TemplateInput,
  taskEndKey,
  taskEventSubject,
} from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { waitFor } from '@oo/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { childRunIdOf, type RunState } from '../src/index.js';
import { type EngineTestbed, startEngineTestbed } from './fixtures/engine-testbed.js';
import { runHead } from './fixtures/run-head.js';

const sleepy: TemplateInput = {
  name: 'sleepy',
  version: 1,
  tasks: {
    first: { type: 'noop', input: { n: 1 } },
    nap: { type: 'sleep', needs: ['first'], input: { ms: 60_000 } },
    after: { type: 'noop', needs: ['nap'] },
  },
};

const flaky: TemplateInput = {
  name: 'flaky',
  version: 1,
  input: { type: 'object', properties: { failTimes: { type: 'integer' } } },
  tasks: {
    prepare: { type: 'noop', input: { prepared: true } },
    risky: {
      type: 'fail',
      needs: ['prepare'],
      input: { times: '=input.failTimes', retryable: false },
      retry: { maxAttempts: 1 },
    },
    finish: { type: 'noop', needs: ['risky'], input: { from: '=tasks.prepare.output' } },
  },
  output: { prepared: '=tasks.prepare.output' },
};

/** A parent whose `child` task starts a run of `napper` once `gate` is through. */
const napper: TemplateInput = {
  name: 'napper',
  version: 1,
  tasks: { nap: { type: 'sleep', input: { ms: 60_000 } } },
};
const gated: TemplateInput = {
  name: 'gated',
  version: 1,
  tasks: {
    gate: { type: 'sleep', input: { ms: 60_000 } },
    child: { type: 'workflow.run', needs: ['gate'], input: { template: 'napper' } },
  },
};

/** `vm` creates something and, past its point of no return, does not stop for a cancel. */
const provision: TemplateInput = {
  name: 'provision',
  version: 1,
  tasks: {
    vm: { type: 'test.create-vm' },
    report: { type: 'noop', needs: ['vm'], input: { vm: '=tasks.vm.output.name' } },
  },
  output: { vm: '=tasks.report.output.vm' },
};

const single: TemplateInput = {
  name: 'single',
  version: 1,
  tasks: { a: { type: 'noop', input: { n: 1 } } },
  output: { n: '=tasks.a.output.n' },
};

let bed: EngineTestbed;
afterEach(async () => {
  await bed?.stop();
});

describe('engine actor', () => {
  it('runs a diamond to the end, each task after its needs, and publishes its output', async () => {
    bed = await startEngineTestbed();
    await bed.startEngine();
    await bed.startRunner();
    const runId = await bed.start('diamond', { label: 'x' });
    const end = await bed.finished(runId);
    expect(end).toMatchObject({ status: 'succeeded', output: { label: 'x' } });
    const done = bed.taskEvents
      .filter((e) => e.runId === runId && e.status === 'succeeded')
      .map((e) => e.taskKey);
    expect(done.indexOf('a')).toBeLessThan(done.indexOf('b'));
    expect(done.indexOf('d')).toBeGreaterThan(Math.max(done.indexOf('b'), done.indexOf('c')));
    expect(done.at(-1)).toBe('e');
    // No-op tasks end before they would be announced `running`; their end events tell when they started.
    const events = bed.taskEvents.filter((e) => e.runId === runId);
    expect(events.filter((e) => e.status === 'running')).toEqual([]);
    for (const e of events.filter((e) => e.status === 'succeeded')) {
      expect(Date.parse(e.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(e.at));
    }
    // One end event per task, the runner's: the engine acts on it and sends no second one. In
    // either order: the engine's `scheduled` and the task go to two streams, stored independently,
    // and on a loaded server the runner's end can be stored first (the read model ranks it higher).
    const statusesOf = (key: string) =>
      bed.taskEvents
        .filter((e) => e.runId === runId && e.taskKey === key)
        .map((e) => e.status)
        .sort();
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      await expect.poll(() => statusesOf(key)).toEqual(['scheduled', 'succeeded']);
    }
    expect(bed.taskEvents.filter((e) => e.runId === runId && e.status === 'succeeded')).toHaveLength(5);
  });

  it('starts no second run for a start repeated past the dedupe window (a request dispatched again)', async () => {
    bed = await startEngineTestbed([single]);
    await bed.startEngine();
    await bed.startRunner();
    const requestId = newId('req');
    const runId = await bed.start('single', {}, { requestId });
    expect(await bed.finished(runId)).toMatchObject({ status: 'succeeded' });
    const heads = await bed.client.nats.kvm.open(BucketNames.runs);
    const before = (await heads.get(runId))?.revision;
    // The same start again, with no dedupe id: JetStream keeps it, the engine must drop it.
    await bed.start('single', {}, { requestId, runId });
    const starts = durableName('engine', EngineSubjects.start.name);
    await waitFor(
      async () => {
        const info = await bed.client.nats.jsm.consumers.info(StreamNames.commands, starts);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { what: 'the engine to settle the repeated start' },
    );
    expect((await heads.get(runId))?.revision).toBe(before);
    expect(bed.runEvents.filter((e) => e.runId === runId).map((e) => e.status)).toEqual([
      'running',
      'succeeded',
    ]);
    expect(bed.taskEvents.filter((e) => e.runId === runId && e.status === 'succeeded')).toHaveLength(1);
  });

  it('runs a child workflow in the same trace and completes the parent task from the child end event', async () => {
    bed = await startEngineTestbed();
    await bed.startEngine();
    await bed.startRunner();
    const runId = await bed.start('nested-diamond', { label: 'inner' });
    const end = await bed.finished(runId);
    expect(end.status).toBe('succeeded');
    const child = bed.runEvents.find((e) => e.parent?.runId === runId && e.status === 'succeeded');
    expect(child).toMatchObject({ template: 'diamond', parent: { taskKey: 'child' } });
    expect(end.output).toEqual({ child: child?.output });
    expect(bed.traceOf.get(child!.runId)).toBe(bed.traceOf.get(runId));
  });

  it('tells a parent again how its child ended when the child is started again (a lost notice)', async () => {
    bed = await startEngineTestbed();
    await bed.startEngine();
    await bed.startRunner();
    const notices: ChildRunEnded[] = [];
    const sub = bed.client.nats.nc.subscribe(EngineSubjects.childEnded.name, {
      callback: (_err, msg) => {
        notices.push(msg.json<ChildRunEnded>());
      },
    });
    const parent = { runId: newId('run'), taskKey: 'child' };
    const childRunId = await bed.start('diamond', { label: 'again' }, { parent });
    expect(await bed.finished(childRunId)).toMatchObject({ status: 'succeeded', parent });
    await expect.poll(() => notices.length).toBe(1);
    // The parent's reconciler re-sends the start of a child it never heard end.
    await bed.start('diamond', { label: 'again' }, { parent, runId: childRunId });
    await expect.poll(() => notices.length).toBe(2);
    sub.unsubscribe();
    for (const notice of notices) {
      expect(notice).toMatchObject({
        ...parent,
        childRunId,
        status: 'succeeded',
        output: { label: 'again' },
      });
    }
  });

  it('fans out a forEach, never more than its concurrency at once, and collects outputs in order', async () => {
    bed = await startEngineTestbed();
    await bed.startEngine();
    await bed.startRunner();
    const hosts = ['h0', 'h1', 'h2', 'h3', 'h4'];
    const runId = await bed.start('for-each-hosts', { hosts });
    const end = await bed.finished(runId);
    expect(end.status).toBe('succeeded');
    expect((end.output as { pings: Array<{ host: string }> }).pings.map((p) => p.host)).toEqual(hosts);
    let inFlight = 0;
    let peak = 0;
    for (const e of bed.taskEvents.filter((t) => t.runId === runId && t.taskKey.startsWith('ping['))) {
      if (e.status === 'scheduled') peak = Math.max(peak, ++inFlight);
      if (e.status === 'succeeded') inFlight--;
    }
    expect(peak).toBeLessThanOrEqual(2);
  });

  it('stops an element in flight on its runner when another fails its forEach and the run goes on (onFailure: continue)', async () => {
    const batch: TemplateInput = {
      name: 'batch',
      version: 1,
      tasks: {
        each: {
          type: 'batch.work',
          input: { n: '=item' },
          forEach: { items: '=[1, 2]', concurrency: 2 },
          onFailure: 'continue',
        },
        after: { type: 'noop', needs: ['each'] },
      },
    };
    let secondStarted!: () => void;
    const second = new Promise<void>((r) => {
      secondStarted = r;
    });
    const stopped: string[] = [];
    const work = defineTask({
      type: 'batch.work',
      input: z.object({ n: z.number() }),
      output: z.object({ n: z.number() }),
      async run(ctx, { n }) {
        if (n === 1) {
          await second;
          throw new OoError('OO_ERR_HANDLER_FAILED', 'element 1 failed', { retryable: false });
        }
        secondStarted();
        // A long call that listens to its signal, as a task should.
        return new Promise((_, reject) => {
          ctx.signal.addEventListener(
            'abort',
            () => {
              stopped.push((ctx.signal.reason as OoError).code);
              reject(ctx.signal.reason);
            },
            { once: true },
          );
        });
      },
    });
    bed = await startEngineTestbed([batch]);
    await bed.startEngine();
    await bed.startRunner([work]);
    const runId = await bed.start('batch');
    expect((await bed.finished(runId)).status).toBe('succeeded');
    await expect.poll(() => stopped).toEqual(['OO_ERR_CANCELLED']);
    const ofSecond = () =>
      bed!.taskEvents.filter((e) => e.runId === runId && e.taskKey === 'each[1]').map((e) => e.status);
    await expect.poll(() => ofSecond().filter((s) => s === 'cancelled').length).toBeGreaterThan(0);
    expect(ofSecond()).not.toContain('succeeded');
    // Recorded for a runner that did not hear the cancel (it was down), as a run's end is.
    const runEnds = await bed.client.nats.kvm.open(BucketNames.runEnds);
    const recorded = await runEnds.get(taskEndKey(runId, 'each[1]'));
    expect(recorded?.json()).toMatchObject({
      runId,
      status: 'cancelled',
      reason: 'forEach each failed: element 1 failed',
    });
  });

  it('skips a task whose when is false, and the run still succeeds', async () => {
    bed = await startEngineTestbed();
    await bed.startEngine();
    await bed.startRunner();
    const runId = await bed.start('for-each-hosts', { hosts: ['a'], report: false });
    expect((await bed.finished(runId)).status).toBe('succeeded');
    // Task and run events reach the watcher through separate consumers: their order is not fixed.
    await expect
      .poll(() => bed.taskEvents.find((e) => e.runId === runId && e.taskKey === 'summary')?.status)
      .toBe('skipped');
  });

  it('cancels a run: the sleeping task is cancelled, later tasks never run, the run ends cancelled', async () => {
    bed = await startEngineTestbed([sleepy]);
    await bed.startEngine();
    await bed.startRunner();
    const runId = await bed.start('sleepy');
    await expect
      .poll(() =>
        bed.taskEvents.some((e) => e.runId === runId && e.taskKey === 'nap' && e.status === 'running'),
      )
      .toBe(true);
    await bed.cancel(runId);
    const end = await bed.finished(runId);
    expect(end.status).toBe('cancelled');
    // Recorded for runners that did not hear the end (they were down): they still call onCancel.
    const runEnds = await bed.client.nats.kvm.open(BucketNames.runEnds);
    expect((await runEnds.get(runEndKey(runId)))?.json()).toEqual({
      runId,
      status: 'cancelled',
      reason: end.error?.message,
      at: end.at,
    });
    expect(
      bed.taskEvents.some((e) => e.runId === runId && e.taskKey === 'after' && e.status === 'scheduled'),
    ).toBe(false);
  });

  it('records a success reported after its run was cancelled, so a resume does not create it again', async () => {
    const createdIn: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const createVm = defineTask({
      type: 'test.create-vm',
      input: z.object({}),
      output: z.object({ name: z.string() }),
      async run(ctx) {
        createdIn.push(ctx.runId);
        await released; // the hypervisor is busy; the signal is not heard
        return { name: 'vm-1' };
      },
    });
    bed = await startEngineTestbed([provision]);
    await bed.startEngine();
    await bed.startRunner([createVm]);
    const first = await bed.start('provision');
    await expect.poll(() => createdIn).toEqual([first]);
    await bed.cancel(first);
    expect((await bed.finished(first)).status).toBe('cancelled');
    release();
    // A runner that finished vm-1 just before it heard of the cancel reports its success (this one
    // heard it first, so the test sends that report itself).
    const at = new Date().toISOString();
    const report = { runId: first, taskKey: 'vm', type: 'test.create-vm', attempt: 1, startedAt: at, at };
    await bed.client.publish(
      taskEventSubject('succeeded'),
      { ...report, status: 'succeeded', output: { name: 'vm-1' } },
      { msgId: `${first}.vm.succeeded.1` },
    );

    const heads = await bed.client.nats.kvm.open(BucketNames.runs);
    const headOf = async () => (await heads.get(first))?.json() as RunState;
    await expect
      .poll(async () => (await headOf()).tasks.vm)
      .toMatchObject({ status: 'succeeded', output: { name: 'vm-1' } });
    expect((await headOf()).status).toBe('cancelled');

    const second = await bed.start('provision', {}, { rerunOf: { runId: first, mode: 'resume' } });
    expect(await bed.finished(second)).toMatchObject({ status: 'succeeded', output: { vm: 'vm-1' } });
    expect(createdIn).toEqual([first]);
  });

  it('fails a run whose task fails, and a resumed rerun with edited input keeps what succeeded', async () => {
    bed = await startEngineTestbed([flaky]);
    await bed.startEngine();
    await bed.startRunner();
    const first = await bed.start('flaky', { failTimes: 5 });
    const failed = await bed.finished(first);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'OO_ERR_WORKFLOW_FAIL_TASK' } });

    const second = await bed.start('flaky', { failTimes: 0 }, { rerunOf: { runId: first, mode: 'resume' } });
    const end = await bed.finished(second);
    expect(end).toMatchObject({ status: 'succeeded', output: { prepared: { prepared: true } } });
    const prepareRuns = bed.taskEvents.filter((e) => e.taskKey === 'prepare' && e.status === 'scheduled');
    expect(prepareRuns.map((e) => e.runId)).toEqual([first]);
  });

  it('removes a run once it ended longer ago than it is kept, and refuses to resume it, naming restart', async () => {
    bed = await startEngineTestbed([flaky]);
    await bed.startEngine({ keepEndedRunsMs: 1_000, retentionIntervalMs: 250 });
    await bed.startRunner();
    const first = await bed.start('flaky', { failTimes: 5 });
    expect((await bed.finished(first)).status).toBe('failed');
    const heads = await bed.client.nats.kvm.open(BucketNames.runs);
    expect(await heads.get(first)).not.toBeNull();
    await waitFor(async () => (await heads.get(first)) === null, { what: 'the ended run removed' });

    const resumed = await bed.start('flaky', { failTimes: 0 }, { rerunOf: { runId: first, mode: 'resume' } });
    const refused = await bed.finished(resumed);
    expect(refused).toMatchObject({
      status: 'failed',
      error: { code: 'OO_ERR_WORKFLOW_RERUN_UNAVAILABLE', details: { runId: first } },
    });
    expect(refused.error?.message).toMatch(/rerun it with restart/);
    // Nothing of it ran: a resume without the state would have run `prepare` again.
    expect(bed.taskEvents.filter((e) => e.runId === resumed)).toEqual([]);
    const restarted = await bed.start(
      'flaky',
      { failTimes: 0 },
      { rerunOf: { runId: first, mode: 'restart' } },
    );
    expect((await bed.finished(restarted)).status).toBe('succeeded');
  });

  it('tries a resume again, rather than failing it, while the run it resumes is in a newer engine’s layout', async () => {
    bed = await startEngineTestbed([flaky]);
    await bed.startEngine();
    await bed.startRunner();
    const first = newId('run');
    const previous = runHead({
      runId: first,
      template: 'flaky',
      status: 'failed',
      tasks: { prepare: { type: 'noop', status: 'succeeded', attempt: 1, output: { prepared: 'before' } } },
    });
    const heads = await bed.client.nats.kvm.open(BucketNames.runs);
    // Written by an upgraded replica mid-rollout: this engine must leave it to one (retryable).
    await heads.put(first, JSON.stringify({ ...previous, layout: 2 }));
    const second = await bed.start('flaky', { failTimes: 0 }, { rerunOf: { runId: first, mode: 'resume' } });
    const starts = durableName('engine', EngineSubjects.start.name);
    await waitFor(
      async () =>
        bed.runEvents.some((e) => e.runId === second) ||
        (await bed.client.nats.jsm.consumers.info(StreamNames.commands, starts)).num_redelivered > 0,
      { what: 'the resume to be tried again or to end' },
    );
    expect(bed.runEvents.filter((e) => e.runId === second)).toEqual([]);
    // The layout becomes readable (the rollout finished): the resume goes on, keeping `prepare`.
    await heads.put(first, JSON.stringify(previous));
    expect(await bed.finished(second)).toMatchObject({
      status: 'succeeded',
      output: { prepared: { prepared: 'before' } },
    });
  });

  it('refuses a resume with the retryable error once its start has been tried as often as its policy says', async () => {
    bed = await startEngineTestbed([flaky]);
    await bed.startEngine({ startRetry: { maxAttempts: 3, backoffMs: [50] } });
    const first = newId('run');
    const previous = runHead({ runId: first, template: 'flaky', status: 'failed', tasks: {} });
    const heads = await bed.client.nats.kvm.open(BucketNames.runs);
    // A rollout that never finishes: the run to resume stays in a layout this engine cannot read.
    await heads.put(first, JSON.stringify({ ...previous, layout: 2 }));
    const starts = durableName('engine', EngineSubjects.start.name);
    const deliveries = async () =>
      (await bed!.client.nats.jsm.consumers.info(StreamNames.commands, starts)).delivered.consumer_seq;
    const before = await deliveries();
    const second = await bed.start('flaky', { failTimes: 0 }, { rerunOf: { runId: first, mode: 'resume' } });
    expect(await bed.finished(second)).toMatchObject({
      status: 'failed',
      error: { code: 'OO_ERR_WORKFLOW_STATE_NEWER' },
    });
    // Delivered three times (tried, tried again, refused), then settled.
    expect((await deliveries()) - before).toBe(3);
    expect((await bed.client.nats.jsm.consumers.info(StreamNames.commands, starts)).num_ack_pending).toBe(0);
  });

  it('cancels a run whose cancel came before its start (the start was still on its way), sending none of its tasks', async () => {
    bed = await startEngineTestbed([sleepy]);
    await bed.startEngine();
    await bed.startRunner();
    const runId = newId('run');
    // The requests actor names the run at intake; an operator may cancel before the start is sent.
    await bed.cancel(runId);
    const cancels = durableName('engine', EngineSubjects.cancel.name);
    await waitFor(
      async () => {
        const info = await bed.client.nats.jsm.consumers.info(StreamNames.commands, cancels);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { what: 'the engine to settle the cancel' },
    );
    await bed.start('sleepy', {}, { runId });
    const end = await bed.finished(runId, 5_000);
    expect(end.status).toBe('cancelled');
    expect(bed.taskEvents.filter((e) => e.runId === runId && e.status === 'scheduled')).toEqual([]);
  });

  it('cancels a child run whose start is heard after its parent ended (the parent’s cancel found no run)', async () => {
    bed = await startEngineTestbed([napper, gated]);
    await bed.startEngine();
    await bed.startRunner();
    const parent = await bed.start('gated');
    await bed.taskEvent((e) => e.runId === parent && e.taskKey === 'gate' && e.status === 'running');
    await bed.cancel(parent);
    expect((await bed.finished(parent)).status).toBe('cancelled');
    // The child's start was still queued behind others when the cancel went by (or its first
    // delivery failed): it arrives now, for a parent that no longer waits for it.
    const child = await bed.start(
      'napper',
      {},
      {
        runId: childRunIdOf(parent, 'child'),
        parent: { runId: parent, taskKey: 'child' },
      },
    );
    expect((await bed.finished(child, 5_000)).status).toBe('cancelled');
  });

  /**
   * A run of `single` as an engine left it when killed after writing `a`'s end and the run's, and
   * before announcing the run's end; with the runner's end of `a` (which that engine had taken and
   * not acked) published again. Returns the run id; no engine is running.
   */
  async function endedUnannounced(): Promise<string> {
    bed = await startEngineTestbed([single]);
    const engine = await bed.startEngine();
    const runId = await bed.start('single');
    await bed.taskEvent((e) => e.runId === runId && e.taskKey === 'a' && e.status === 'scheduled');
    await engine.stop();
    const heads = await bed.client.nats.kvm.open(BucketNames.runs);
    const head = (await heads.get(runId))?.json<RunState>();
    const at = new Date().toISOString();
    const a = { ...head!.tasks.a!, status: 'succeeded' as const, output: { n: 1 }, finishedAt: at };
    const ended = { status: 'succeeded', open: 0, output: { n: 1 }, finishedAt: at, updatedAt: at };
    await heads.put(runId, JSON.stringify({ ...head, ...ended, tasks: { a } }));
    await bed.client.publish(taskEventSubject('succeeded'), {
      runId,
      taskKey: 'a',
      type: 'noop',
      status: 'succeeded',
      attempt: 1,
      output: { n: 1 },
      startedAt: at,
      at,
    });
    return runId;
  }

  it('announces a run’s end again when a redelivered event finds it ended (a crash between the write and the publish)', async () => {
    const runId = await endedUnannounced();
    const subject = taskEventSubject('succeeded');
    const consumer = await bed.client.nats.js.consumers.get(
      StreamNames.events,
      durableName('engine', subject.name),
    );
    const taken = await consumer.next({ expires: 5_000 });
    expect(taken?.json()).toMatchObject({ runId, taskKey: 'a' });
    taken?.nak();

    await bed.startEngine();
    expect(await bed.finished(runId, 5_000)).toMatchObject({ status: 'succeeded', output: { n: 1 } });
  });

  it('announces a run’s end again when an event numbered as a first delivery finds it ended (a nats-server crash renumbers redeliveries)', async () => {
    const runId = await endedUnannounced();
    await bed.startEngine();
    expect(await bed.finished(runId, 5_000)).toMatchObject({ status: 'succeeded', output: { n: 1 } });
  });

  it('restarts a run from scratch: every task runs again', async () => {
    bed = await startEngineTestbed();
    await bed.startEngine();
    await bed.startRunner();
    const first = await bed.start('diamond');
    await bed.finished(first);
    const second = await bed.start(
      'diamond',
      { label: 'again' },
      { rerunOf: { runId: first, mode: 'restart' } },
    );
    expect((await bed.finished(second)).status).toBe('succeeded');
    const scheduled = bed.taskEvents.filter((e) => e.runId === second && e.status === 'scheduled');
    expect(scheduled).toHaveLength(5);
  });

  it('refuses to start a run of an unknown template with a failed run naming it', async () => {
    bed = await startEngineTestbed();
    await bed.startEngine();
    const runId = await bed.start('no-such-template');
    const end = await bed.finished(runId);
    expect(end).toMatchObject({ status: 'failed', error: { code: 'OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND' } });
  });

  it('settles a cancel of a run refused at start at once: an ended run needs no template', async () => {
    bed = await startEngineTestbed();
    const engine = await bed.startEngine();
    const runId = await bed.start('no-such-template');
    expect((await bed.finished(runId)).status).toBe('failed');
    await bed.cancel(runId);
    const cancels = durableName('engine', EngineSubjects.cancel.name);
    await waitFor(
      async () => {
        const info = await bed.client.nats.jsm.consumers.info(StreamNames.commands, cancels);
        return info.delivered.consumer_seq > 0 && info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { what: 'the engine to settle the cancel', timeoutMs: 3_000 },
    );
    expect(engine.stats.failed).toBe(0);
  });

  it('shares 60 runs between two engine replicas and two runners; every run succeeds once', async () => {
    bed = await startEngineTestbed();
    await bed.startEngine();
    await bed.startEngine();
    await bed.startRunner();
    await bed.startRunner();
    const ids = await Promise.all(
      Array.from({ length: 60 }, (_, i) => bed.start('diamond', { label: `r${i}` })),
    );
    const ends = await Promise.all(ids.map((id) => bed.finished(id, 60_000)));
    expect(ends.every((e) => e.status === 'succeeded')).toBe(true);
    for (const id of ids) {
      const succeeded = bed.taskEvents
        .filter((e) => e.runId === id && e.status === 'succeeded')
        .map((e) => e.taskKey);
      expect(new Set(succeeded).size).toBe(5);
    }
    const finals = bed.runEvents.filter((e) => ids.includes(e.runId) && e.status === 'succeeded');
    expect(finals).toHaveLength(60);
  });
});
