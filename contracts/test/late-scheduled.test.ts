import { describe, expect, it } from 'vitest';
import { taskEventOrder } from '../src/late-scheduled.js';

const event = (status: string, taskKey = 'a', runId = 'run_1') => ({ runId, taskKey, status });

describe('taskEventOrder', () => {
  it('keeps a task in the order it moved: scheduled, running, succeeded', () => {
    const order = taskEventOrder();
    expect(['scheduled', 'running', 'succeeded'].map((s) => order.isLate(event(s)))).toEqual([
      false,
      false,
      false,
    ]);
  });

  it.each(['running', 'succeeded', 'failed', 'cancelled', 'skipped'])(
    'finds a scheduled after %s late',
    (status) => {
      const order = taskEventOrder();
      expect(order.isLate(event(status))).toBe(false);
      expect(order.isLate(event('scheduled'))).toBe(true);
    },
  );

  it('tells tasks and runs apart', () => {
    const order = taskEventOrder();
    order.isLate(event('succeeded', 'a', 'run_1'));
    expect(order.isLate(event('scheduled', 'b', 'run_1'))).toBe(false);
    expect(order.isLate(event('scheduled', 'a', 'run_2'))).toBe(false);
    // Run and task key are told apart however they are spelled.
    order.isLate(event('succeeded', 'x', 'run_1\ny'));
    expect(order.isLate(event('scheduled', 'y\nx', 'run_1'))).toBe(false);
  });
});
