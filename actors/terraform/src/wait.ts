/**
 * Polling until a resource reaches a condition. TFE has no long-poll or webhook for this API
 * (tfe-api.md §5.4), so the client reads, checks, sleeps; reads are GETs and retried as such.
 */
import { OoError } from '@oo/contracts';
import { pause } from './retry.js';
import type { WaitOptions } from './types.js';

export const DEFAULT_POLL_INTERVAL_MS = 2_000;
export const DEFAULT_WAIT_TIMEOUT_MS = 30 * 60_000;

/**
 * Reads until `done(value)`; returns that value. Throws OO_ERR_TIMEOUT after `timeoutMs` (with
 * `describe(last)` in the details) and OO_ERR_CANCELLED when the signal aborts.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  describe: (value: T) => Record<string, unknown>,
  options: WaitOptions = {},
): Promise<T> {
  const intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new OoError('OO_ERR_TIMEOUT', `${what}: condition not reached within ${timeoutMs} ms`, {
        details: { what, timeoutMs, ...describe(value) },
      });
    }
    await pause(Math.min(intervalMs, left), options.signal);
  }
}
