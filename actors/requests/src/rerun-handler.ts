/**
 * `oo.cmd.requests.rerun` (operators and admins): a new request that repeats an ended one — a new
 * request id, the same trace id, the original requester — and starts a run that reruns the
 * original run (`restart` everything or `resume` what did not succeed). A request its run rejected
 * (the policy) may be rerun too, say once an admin widened the policy or with an edited body. An
 * edited body is validated like a new submit.
 */
import type { RequestSubjects } from '@oo/contracts';
import { type Handler, verifyCaller } from '@oo/runtime';
import { authorize } from './caller.js';
import { dispatch } from './request-dispatch.js';
import { requestError } from './request-errors.js';
import { isRequestId, requestIdOf } from './request-ids.js';
import { intakeRecord } from './request-intake.js';
import { hasEnded } from './request-records.js';
import type { RequestsDeps } from './requests-options.js';

export function onRerun(deps: RequestsDeps): Handler<typeof RequestSubjects.rerun> {
  return async (ctx, rerun) => {
    const requestId = requestIdOf(ctx);
    const known = await deps.records.get(requestId);
    const principal = await verifyCaller(deps.tokens, ctx, { enforceExpiry: !known });
    authorize(principal, 'rerun');
    if (known) {
      if (!known.dispatched) await dispatch(deps, ctx, known);
      return undefined;
    }
    const original = isRequestId(rerun.requestId) ? await deps.records.get(rerun.requestId) : undefined;
    if (!original) {
      // The read model (which the gateway checks) keeps requests whose records went long ago.
      throw requestError(
        'OO_ERR_REQUEST_NOT_FOUND',
        `request ${rerun.requestId} is not known: it was never taken in, or it ended longer ago than requests are kept (requests.keepEndedRequestsMs) and can no longer be rerun; submit it again instead`,
        { requestId: rerun.requestId },
      );
    }
    // A record without a body (a submit refused for its body) never ran either.
    if (!original.runId || !original.body || !hasEnded(original.status)) {
      throw requestError(
        'OO_ERR_REQUEST_STATE',
        `request ${original.requestId} is ${original.status}${original.runId ? '' : ' and never ran'}; only a request that ran and ended (succeeded, failed, rejected by its run, cancelled) can be rerun`,
        { requestId: original.requestId, status: original.status },
      );
    }
    const { record } = await deps.records.create(
      intakeRecord(deps.rules, deps.filestoreUrl, {
        requestId,
        traceId: original.traceId,
        submittedBy: original.submittedBy,
        rerunBy: principal.sub,
        submittedAt: ctx.publishedAt,
        body: rerun.body ?? original.body,
        rerunOf: { requestId: original.requestId, runId: original.runId, mode: rerun.mode },
      }),
    );
    if (!record.dispatched) await dispatch(deps, ctx, record);
    return undefined;
  };
}
