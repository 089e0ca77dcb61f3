/**
 * A request ends after its run: the requests actor hears the run's end, then publishes the request's.
 * But the ledger folds run and request events on consumers of their own, so folded as it comes, a
 * request could read `succeeded` beside its run still `running` (a page or `oo request wait` reading
 * between the two). A request's end therefore waits for its run's to be folded: a few short looks,
 * then it is folded all the same, for a run whose end never comes (its events expired before a
 * rebuild, say).
 */
import type { RequestEvent, RequestSubjects } from '@oo/contracts';
import type { ReadModel } from '@oo/read-model';
import type { Handler } from '@oo/runtime';

const REQUEST_ENDED: ReadonlySet<RequestEvent['status']> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
]);

/** Looks at the run's end before folding the request's end anyway: at most about 5 s, far past a run end's usual fold (ms). */
export const RUN_END_LOOKS = 25;
export const RUN_END_LOOK_MS = 200;

/** `fold`, but a request's end with a run whose end is not folded yet is delivered again shortly. */
export function afterItsRun(
  readModel: Pick<ReadModel, 'runEnded'>,
  fold: Handler<typeof RequestSubjects.events>,
): Handler<typeof RequestSubjects.events> {
  return async (ctx, event) => {
    if (event.runId && REQUEST_ENDED.has(event.status) && ctx.attempt <= RUN_END_LOOKS) {
      // Unreadable (the database is down): the fold itself waits that out.
      const ended = await readModel.runEnded(event.runId).catch(() => true);
      if (!ended) return ctx.again(RUN_END_LOOK_MS);
    }
    return fold(ctx, event);
  };
}
