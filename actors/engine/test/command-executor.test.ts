import type { Publish } from '@oo/runtime';
import { describe, expect, it } from 'vitest';
import { executeCommands } from '../src/command-executor.js';
import type { PlannerCommand } from '../src/planner-types.js';
import { runHead } from './fixtures/run-head.js';

/** A publisher whose publishes the test settles one by one; it records each subject as sent. */
function heldPublisher() {
  const sent: string[] = [];
  const pending: (() => void)[] = [];
  const publish = ((subject) => {
    sent.push(subject.name);
    return new Promise((resolve) => {
      pending.push(() => resolve({ seq: sent.length, duplicate: false, traceId: '0'.repeat(32) }));
    });
  }) as Publish;
  const settleAll = async () => {
    for (const settle of pending.splice(0)) settle();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { via: { publish }, sent, settleAll };
}

const state = runHead({ runId: 'run_1' });
const at = new Date(0).toISOString();
const scheduled = (taskKey: string): PlannerCommand => ({
  kind: 'task-event',
  event: { runId: 'run_1', taskKey, type: 'noop', status: 'scheduled', attempt: 1, at },
});
const schedule = (taskKey: string): PlannerCommand => ({
  kind: 'schedule',
  taskKey,
  type: 'noop',
  attempt: 1,
  input: {},
});
const noEnds = async () => undefined;

describe('engine - executing a step', () => {
  it("sends a task only once its `scheduled` event is stored, so no runner's end comes before it in the stream", async () => {
    const { via, sent, settleAll } = heldPublisher();
    let done = false;
    const executed = executeCommands(
      via,
      state,
      [scheduled('b'), scheduled('c'), schedule('b'), schedule('c')],
      noEnds,
    ).then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    // The events go out together; the tasks wait for their acks.
    expect(sent).toEqual(['oo.evt.task.scheduled', 'oo.evt.task.scheduled']);
    await settleAll();
    expect(sent.slice(2)).toEqual(['oo.task.noop', 'oo.task.noop']);
    expect(done).toBe(false);
    await settleAll();
    await executed;
    expect(done).toBe(true);
  });

  it('sends at once what no event comes before (a task sent again by the reconciler)', async () => {
    const { via, sent, settleAll } = heldPublisher();
    const executed = executeCommands(via, state, [schedule('b')], noEnds);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual(['oo.task.noop']);
    await settleAll();
    await executed;
  });
});
