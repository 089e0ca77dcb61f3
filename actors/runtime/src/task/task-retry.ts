/**
 * A task's retry policy and the delay before its next attempt. The runner owns task retries (not
 * the consumer loop) because only it knows the attempt number apart from `again` redeliveries.
 */
import { TaskRetry } from '@oo/contracts';
import type { z } from 'zod';

/** A policy as declared: every field optional, defaults from `TaskRetry`. */
export type TaskRetryInput = z.input<typeof TaskRetry>;

/** `{ maxAttempts: 3, backoffMs: 1000 (doubling), maxBackoffMs: 60000, jitter: 0.2 }`. */
export const DEFAULT_TASK_RETRY: TaskRetry = TaskRetry.parse({});

/** The message's policy wins over the task's default, which wins over `DEFAULT_TASK_RETRY`. */
export function resolveRetry(fromMessage: TaskRetry | undefined, fromTask: TaskRetry | undefined): TaskRetry {
  return fromMessage ?? fromTask ?? DEFAULT_TASK_RETRY;
}

/** FNV-1a of the seed as a fraction in [0, 1): the same run, task and attempt always jitter alike. */
function unitHash(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

/**
 * Delay (ms) before the attempt after `attempt` (1-based) failed: `backoffMs * 2^(attempt-1)` plus up
 * to `jitter` of it, spread deterministically by `seed`, never past `maxBackoffMs`. A `retryAfterMs`
 * from the error (a 429's Retry-After) wins when longer, even past the cap.
 */
export function taskRetryDelay(
  policy: TaskRetry,
  attempt: number,
  seed: string,
  retryAfterMs?: number,
): number {
  const base = policy.backoffMs * 2 ** Math.max(0, attempt - 1);
  const jittered = Math.min(policy.maxBackoffMs, Math.round(base * (1 + policy.jitter * unitHash(seed))));
  return Math.max(jittered, retryAfterMs ?? 0);
}
