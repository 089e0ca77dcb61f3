import { describe, expect, it } from 'vitest';
import { logThrottle } from '../src/log-throttle.js';
import { capturedLog } from './fixtures/setup.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('runtime - log throttle', () => {
  it('lets the first lines of a kind through, then counts the rest and says how many when the window ends', async () => {
    const { lines, log } = capturedLog();
    let clock = 0;
    const throttle = logThrottle({ perWindow: 3, windowMs: 150, now: () => clock });
    const allowed = Array.from({ length: 10 }, () =>
      throttle.allow('dead-lettered X', log, { subject: 's' }),
    );
    expect(allowed).toEqual([true, true, true, false, false, false, false, false, false, false]);
    // Another kind has a window of its own.
    expect(throttle.allow('retrying Y', log, {})).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, subject: 's', kind: 'dead-lettered X', held: 7, windowMs: 150 }),
    ]);
    expect(lines[0]?.msg).toBe('7 more lines like the last were not written in the last 0.15 s');
    // A new window lets lines through again.
    clock = 200;
    expect(throttle.allow('dead-lettered X', log, { subject: 's' })).toBe(true);
  });

  it('starts a new window on the next line after one ended, and flush writes what is still held', async () => {
    const { lines, log } = capturedLog();
    let clock = 0;
    const throttle = logThrottle({ perWindow: 1, windowMs: 60_000, now: () => clock });
    expect([
      throttle.allow('k', log, {}),
      throttle.allow('k', log, {}),
      throttle.allow('k', log, {}),
    ]).toEqual([true, false, false]);
    clock = 60_000;
    // The line that finds the window over writes its summary first, and is let through.
    expect(throttle.allow('k', log, {})).toBe(true);
    await settle();
    expect(lines.map((l) => l.held)).toEqual([2]);
    expect(throttle.allow('k', log, {})).toBe(false);
    throttle.flush();
    await settle();
    expect(lines.map((l) => l.held)).toEqual([2, 1]);
    // Nothing is written twice.
    throttle.flush();
    await settle();
    expect(lines).toHaveLength(2);
  });
});
