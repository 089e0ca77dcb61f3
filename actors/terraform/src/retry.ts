/**
 * How the client retries reads. Only GETs are retried here — on 5xx, lost connections and 429 — with
 * bounded exponential backoff; a 429 waits for `X-RateLimit-Reset` instead. Writes are never retried
 * by the client: a POST that may have taken effect is reported as such and the caller reconciles.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { OoError } from '@oo/contracts';

export interface GetRetryPolicy {
  /** Attempts in all, the first included. Default 5. */
  readonly maxAttempts: number;
  /** Delay before the second attempt (ms); doubles per attempt. Default 250. */
  readonly baseDelayMs: number;
  /** Cap of one backoff delay (ms). Default 5_000. */
  readonly maxDelayMs: number;
  /** A 429 asking to wait longer than this (ms) is not waited for but thrown. Default 60_000. */
  readonly maxRateLimitWaitMs: number;
}

export const DEFAULT_GET_RETRY: GetRetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRateLimitWaitMs: 60_000,
};

/**
 * Delay before attempt `attempt + 1` after a transient failure of attempt `attempt` (1-based):
 * "equal jitter" — half the exponential step fixed, half random — so a burst of pollers spreads out.
 */
export function backoffDelay(
  policy: GetRetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + (step / 2) * random());
}

/** `X-RateLimit-Reset` (seconds, possibly fractional) in milliseconds, or undefined when absent or bad. */
export function rateLimitResetMs(header: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}

/** Waits `ms`, or throws OO_ERR_CANCELLED as soon as `signal` aborts. */
export async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    throw cancelled(error);
  }
}

export function cancelled(cause: unknown): OoError {
  return new OoError('OO_ERR_CANCELLED', 'TFE call cancelled by its signal', { cause, retryable: false });
}
