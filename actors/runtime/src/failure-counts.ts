/**
 * How many times a plain handler failed on one message, kept in the `handler_failures` bucket.
 *
 * JetStream counts deliveries, and a delivery answered with `ctx.again` is one: a ledger event that
 * waited out a long database outage had used up its retries before it ever failed. So failures are
 * counted here, one key per consumer and stream sequence, written only when a handler fails (an
 * `again` or a success costs nothing). Kept in KV, not memory, so another replica or a restarted
 * instance goes on with the same count. The bucket's max age clears keys of messages that were
 * settled; a message that fails again after that long starts counting afresh.
 */
import { z } from 'zod';
import type { JsonBucket } from './json-bucket.js';

export interface FailureCounts {
  /** Counts one more failure of the message at `streamSeq` on `durable`; resolves with the total. */
  add(durable: string, streamSeq: number): Promise<number>;
}

export const FailureCount = z.number().int().positive();

export function failureCounts(open: () => Promise<JsonBucket<number>>): FailureCounts {
  let bucket: Promise<JsonBucket<number>> | undefined;
  return {
    async add(durable, streamSeq) {
      // Opened on the first failure: most instances never fail a message.
      bucket ??= open().catch((err: unknown) => {
        bucket = undefined;
        throw err;
      });
      const failures = await bucket;
      const key = `${durable}.${streamSeq}`;
      const total = ((await failures.get(key))?.value ?? 0) + 1;
      await failures.put(key, total);
      return total;
    },
  };
}
