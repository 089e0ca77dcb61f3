/**
 * A task that waits long (an AWX job of 20 minutes polled with `ctx.again`) leaves its run's state
 * untouched for longer than the reconciler's `stuckAfterMs`. The reconciler must not take such a
 * run for stuck: re-sending its task past JetStream's duplicate window would start a second chain
 * of looks at the external system, then a third, one more every window. And when the parked
 * message is really lost, the run must still go on. A task no runner takes at all is sent again,
 * then given up, failing its run with a reason, instead of keeping it `running` for ever.
 */
import { BucketNames, StreamNames, type TemplateInput } from '@oo/contracts';
import { defineTask, TaskState, taskStateKey } from '@oo/runtime';
import { waitFor } from '@oo/test-harness';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type EngineTestbed, startEngineTestbed } from './fixtures/engine-testbed.js';

const LOOK_EVERY_MS = 1_000;
const DONE_AFTER_MS = 5_000;

/** Every look of every run, by run id: a look is one call of `run`. */
const looks = new Map<string, number>();

const waitLong = defineTask({
  type: 'test.wait-long',
  input: z.object({}),
  output: z.object({ looks: z.number() }),
  vars: z.object({ since: z.number() }),
  async run(ctx, _input) {
    looks.set(ctx.runId, (looks.get(ctx.runId) ?? 0) + 1);
    let since = ctx.vars.get('since');
    if (since === undefined) {
      since = Date.now();
      await ctx.vars.set('since', since);
    }
    if (Date.now() - since < DONE_AFTER_MS) return ctx.again(LOOK_EVERY_MS);
    return { looks: looks.get(ctx.runId) ?? 0 };
  },
});

const template: TemplateInput = {
  name: 'wait-long',
  version: 1,
  tasks: { wait: { type: 'test.wait-long', input: {} } },
};

/** A task type no runner of this testbed hosts (its runners were never deployed, or are all gone). */
const unhosted: TemplateInput = {
  name: 'unhosted',
  version: 1,
  tasks: { first: { type: 'noop' }, orphan: { type: 'test.unhosted', needs: ['first'] } },
};

/** Tasks in flight with no sign of a runner this long are given up: far less than the 5 s parks. */
const ABANDON_AFTER_MS = 2_000;

let bed: EngineTestbed;
beforeEach(async () => {
  bed = await startEngineTestbed([template, unhosted]);
  // Runs untouched for 0.5 s look stuck: the task's 5 s of waiting spans many sweeps.
  await bed.startEngine({ reconcileIntervalMs: 250, stuckAfterMs: 500, abandonAfterMs: ABANDON_AFTER_MS });
  // An ack wait of 0.5 s: a parked message late by 1 s counts as lost.
  await bed.startRunner([waitLong], { ackWaitMs: 500 });
  // The server's least duplicate window, so a task sent again is not dropped as a repeat.
  const { jsm } = bed.client.nats;
  const { config } = await jsm.streams.info(StreamNames.tasks);
  await jsm.streams.update(StreamNames.tasks, { ...config, duplicate_window: 100 * 1_000_000 });
});
afterEach(async () => {
  await bed?.stop();
});

const taskMessages = async () => (await bed.client.nats.jsm.streams.info(StreamNames.tasks)).state.last_seq;

describe('engine reconciler', () => {
  it('leaves a run whose task is parked in ctx.again alone, however long it waits', async () => {
    const runId = await bed.start('wait-long');
    const end = await bed.finished(runId, 20_000);
    expect(end.status).toBe('succeeded');
    // 5 s of waiting at one look a second: 6 looks, give or take one for timer slack.
    const seen = looks.get(runId) ?? 0;
    expect(seen).toBeGreaterThanOrEqual(5);
    expect(seen).toBeLessThanOrEqual(7);
    // The task was sent once: the reconciler saw a waiting run, not a stuck one.
    expect(await taskMessages()).toBe(1);
    // And no look comes after the end: no second chain is still polling.
    await new Promise((resolve) => setTimeout(resolve, 2 * LOOK_EVERY_MS));
    expect(looks.get(runId)).toBe(seen);
  });

  it('sends a parked task again once its message is lost, and the copy takes the looks over', async () => {
    const runId = await bed.start('wait-long');
    const states = await bed.client.nats.kvm.open(BucketNames.taskVars);
    const key = taskStateKey(runId, 'wait');
    await waitFor(async () => {
      const entry = await states.get(key);
      return entry?.value.length ? TaskState.parse(entry.json()).held !== undefined : false;
    });
    // As if an outage outlasted the stream's limits: the parked message is gone.
    await bed.client.nats.jsm.streams.purge(StreamNames.tasks);
    const end = await bed.finished(runId, 20_000);
    expect(end.status).toBe('succeeded');
    // One copy, sent after the lost message's grace ran out; it alone looked from then on.
    expect(await taskMessages()).toBe(2);
    const seen = looks.get(runId) ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 2 * LOOK_EVERY_MS));
    expect(looks.get(runId)).toBe(seen);
  });

  it('fails a task no runner takes once it has been sent again for abandonAfterMs, naming its type', async () => {
    const runId = await bed.start('unhosted');
    const end = await bed.finished(runId, 20_000);
    expect(end.status).toBe('failed');
    expect(end.error).toMatchObject({
      code: 'OO_ERR_WORKFLOW_TASK_ABANDONED',
      details: { task: 'orphan', type: 'test.unhosted' },
    });
    expect(end.error?.message).toMatch(/is a runner hosting test\.unhosted running\?/);
    // It was sent again before it was given up (first's message, orphan's and at least one copy).
    expect(await taskMessages()).toBeGreaterThanOrEqual(3);
    // Not before its time: from when it was sent to when it failed.
    const orphan = bed.taskEvents.filter((e) => e.runId === runId && e.taskKey === 'orphan');
    expect(orphan.map((e) => e.status)).toEqual(['scheduled', 'failed']);
    const [sent, failed] = orphan.map((e) => Date.parse(e.at));
    expect(failed! - sent!).toBeGreaterThanOrEqual(ABANDON_AFTER_MS);
  });
});
