/**
 * Wraps a projection as a handler. A database that is down or a connection that was killed is
 * waited out: the message is parked in JetStream and delivered again later (nothing is lost, and
 * the projection being idempotent makes the retry safe). Any other failure is a real fault and
 * takes the runtime's retry-then-dead-letter path.
 */
import type { Subject } from '@oo/contracts';
import { isTransientDbError } from '@oo/read-model';
import { delayFor, exponentialBackoff, type Handler, type RetryPolicy } from '@oo/runtime';

/** Back-off while the database is unavailable: 250 ms doubling to 5 s, for as long as it takes. */
export const WAIT_FOR_DATABASE: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  backoffMs: exponentialBackoff(250, 5_000, 6),
  jitter: 0.2,
};

export function projection<S extends Subject>(
  apply: (seq: number, body: Parameters<Handler<S>>[1]) => Promise<boolean>,
): Handler<S> {
  return async (ctx, body) => {
    try {
      const folded = await apply(ctx.streamSeq, body);
      if (!folded) ctx.log.debug({ seq: ctx.streamSeq }, 'event folded before; nothing to do');
      return undefined;
    } catch (err) {
      if (!isTransientDbError(err)) throw err;
      const delayMs = delayFor(WAIT_FOR_DATABASE, ctx.attempt);
      ctx.log.warn(
        { err, seq: ctx.streamSeq, retryInMs: delayMs },
        'read model unavailable; will fold again',
      );
      return ctx.again(delayMs);
    }
  };
}
