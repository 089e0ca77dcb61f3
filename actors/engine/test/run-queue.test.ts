import { describe, expect, it } from 'vitest';
import type { PlannerEvent } from '../src/planner-types.js';
import { runQueue } from '../src/run-queue.js';

const event = (at: string): PlannerEvent => ({ kind: 'reconcile', at });

/** A queue whose steps record the events they were given and take one macrotask each. */
function recordingQueue(gather: (runId: string) => boolean) {
  const steps: string[][] = [];
  const queue = runQueue<undefined>(async (_runId, events) => {
    steps.push(events.map((e) => e.at));
    await new Promise((resolve) => setTimeout(resolve, 5));
    return undefined;
  }, gather);
  return { steps, submit: (runId: string, at: string) => queue.submit(runId, event(at), undefined) };
}

describe('engine - run queue', () => {
  it('starts a step at once and folds what arrives meanwhile into the next one', async () => {
    const q = recordingQueue(() => false);
    await Promise.all([q.submit('r1', '1'), q.submit('r1', '2'), q.submit('r1', '3')]);
    expect(q.steps).toEqual([['1'], ['2', '3']]);
  });

  it('gathers the events of one turn of the event loop into the first step when asked to', async () => {
    const q = recordingQueue((runId) => runId === 'big');
    await Promise.all([
      q.submit('big', '1'),
      q.submit('big', '2'),
      q.submit('small', 'a'),
      q.submit('small', 'b'),
    ]);
    expect(q.steps).toEqual([['a'], ['1', '2'], ['b']]);
  });

  it('gives every event of a step its error', async () => {
    const queue = runQueue<undefined>(
      async () => {
        throw new Error('store down');
      },
      () => true,
    );
    const results = await Promise.allSettled([
      queue.submit('r', event('1'), undefined),
      queue.submit('r', event('2'), undefined),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
