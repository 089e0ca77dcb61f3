import { TimeoutError } from '@nats-io/transport-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startPeriodicPass } from '../src/periodic-pass.js';

/** A logger whose records are kept, level and message. */
function recordingLog() {
  const records: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => records.push(JSON.parse(line)) });
  return { log, records };
}

describe('runtime - periodic pass', () => {
  it('runs a pass at most once at a time: a call while one runs joins it', async () => {
    const { log } = recordingLog();
    let passes = 0;
    let finish: () => void = () => undefined;
    const periodic = startPeriodicPass({
      what: 'counting',
      log,
      firstAfterMs: 60_000,
      intervalMs: 60_000,
      pass: () => {
        passes++;
        return new Promise<number>((resolve) => {
          finish = () => resolve(passes);
        });
      },
    });
    const a = periodic.now();
    const b = periodic.now();
    finish();
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    expect(await Promise.race([periodic.now(), new Promise((r) => setTimeout(() => r('running'), 20))])).toBe(
      'running',
    );
    finish();
    await periodic.stop();
    expect(passes).toBe(2);
  });

  it('logs a pass that failed as an error, and reports it, but one that found NATS out of reach as a warning only', async () => {
    const { log, records } = recordingLog();
    const reported: Array<{ code: string; message: string }> = [];
    let failure: Error = new Error('a bug');
    const periodic = startPeriodicPass({
      what: 'sweeping',
      log,
      firstAfterMs: 60_000,
      intervalMs: 30_000,
      pass: () => Promise.reject(failure),
      report: (error) => reported.push(error),
    });
    expect(await periodic.now()).toBeUndefined();
    failure = new TimeoutError();
    expect(await periodic.now()).toBeUndefined();
    await periodic.stop();
    expect(records.map((r) => [r.level, r.msg])).toEqual([
      [50, 'sweeping failed'],
      [40, 'sweeping failed: NATS is out of reach; the next pass (in 30 s) tries again'],
    ]);
    // The actor's presence shows what failed; a passing outage is no problem of its own.
    expect(reported).toEqual([{ code: 'OO_ERR_HANDLER_FAILED', message: 'sweeping failed: a bug' }]);
  });
});
