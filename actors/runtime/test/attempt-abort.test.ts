import { describe, expect, it } from 'vitest';
import { AttemptAbort } from '../src/task/attempt-abort.js';

describe('AttemptAbort', () => {
  it('rejects `aborted` with the first reason and ignores later aborts', async () => {
    const abort = new AttemptAbort();
    expect(abort.isAborted).toBe(false);
    abort.abort(new Error('first'));
    abort.abort(new Error('second'));
    expect(abort.isAborted).toBe(true);
    await expect(abort.aborted).rejects.toThrow('first');
    expect((abort.reason as Error).message).toBe('first');
  });

  it('gives a signal asked for after the abort already aborted, with the reason', () => {
    const abort = new AttemptAbort();
    abort.abort(new Error('cancelled'));
    expect(abort.signal.aborted).toBe(true);
    expect((abort.signal.reason as Error).message).toBe('cancelled');
  });

  it("settles the runner's race with the abort, not with what the task does about it", async () => {
    const abort = new AttemptAbort();
    const running = new Promise((_, reject) => {
      abort.signal.addEventListener('abort', () => reject(new Error('the task gave up')));
    });
    running.catch(() => undefined);
    const race = Promise.race([running, abort.aborted]);
    abort.abort(new Error('timeout'));
    expect(abort.signal.aborted).toBe(true);
    await expect(race).rejects.toThrow('timeout');
  });
});
