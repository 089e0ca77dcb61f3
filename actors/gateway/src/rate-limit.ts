/**
 * Calls per minute per API token: a token bucket holding `perMinute` calls, refilled continuously,
 * so a client may burst up to a minute's worth and then goes at the steady rate. Kept in memory per
 * gateway instance: with N replicas behind a balancer a token gets up to N times the rate.
 */
import { OoError } from '@oo/contracts';

export interface RateLimiter {
  /**
   * Takes one call from `key`'s bucket.
   * @throws OoError OO_ERR_HTTP_RATE_LIMITED with `retryAfterMs` until the next call is allowed
   */
  take(key: string): void;
}

const MAX_KEYS = 10_000;

export function rateLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      let bucket = buckets.get(key);
      if (!bucket) {
        // Forget buckets that have refilled: they hold nothing a fresh bucket would not.
        if (buckets.size >= MAX_KEYS) {
          for (const [k, b] of buckets) if (b.tokens + (t - b.at) * perMs >= perMinute) buckets.delete(k);
        }
        bucket = { tokens: perMinute, at: t };
        buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(perMinute, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil((1 - bucket.tokens) / perMs);
      throw new OoError(
        'OO_ERR_HTTP_RATE_LIMITED',
        `more than ${perMinute} calls per minute with this token; retry in ${Math.ceil(waitMs / 1000)} s`,
        { retryable: true, retryAfterMs: waitMs, details: { perMinute } },
      );
    },
  };
}
