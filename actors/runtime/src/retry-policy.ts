/**
 * How a failed delivery is retried. Declared on a handler or task; mapped onto JetStream redelivery
 * (nak with delay) in one place: `delayFor`.
 */
export interface RetryPolicy {
  /**
   * Attempts in all, the first included, before a retryable failure is dead-lettered. A delivery
   * answered with `ctx.again` is not an attempt; one that crashed its process is bounded by the
   * handler's `maxDeliveries` instead.
   */
  readonly maxAttempts: number;
  /** Delay before attempt n+1 is `backoffMs[n-1]`; the last entry repeats (ms). */
  readonly backoffMs: readonly number[];
  /** Up to this fraction of each delay is added at random, so retries of a burst spread out. */
  readonly jitter?: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  backoffMs: [250, 1_000, 5_000, 15_000],
  jitter: 0.2,
};

/**
 * Delay before the next attempt after `attempt` (1-based) failed. A `retryAfterMs` from the error
 * (a 429's reset, say) wins when it is longer. `random` is injectable for tests.
 */
export function delayFor(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const table = policy.backoffMs.length > 0 ? policy.backoffMs : [0];
  const base = table[Math.min(attempt - 1, table.length - 1)] ?? 0;
  const jittered = Math.round(base * (1 + (policy.jitter ?? 0) * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Exponential backoff table: base, base*2, ... capped at `capMs`, `steps` entries. */
export function exponentialBackoff(baseMs: number, capMs: number, steps: number): number[] {
  return Array.from({ length: steps }, (_, i) => Math.min(capMs, baseMs * 2 ** i));
}
