/**
 * `oo.cmd.requests.cancel`: operators and admins may cancel any request, a requester their own.
 * The engine cancels the run and its children; the run's `cancelled` event then ends the request.
 */
import { EngineSubjects, type RequestSubjects } from '@oo/contracts';
import { type Handler, verifyCaller } from '@oo/runtime';
import { authorize } from './caller.js';
import { requestError } from './request-errors.js';
import { isRequestId } from './request-ids.js';
import { hasEnded } from './request-records.js';
import { inRequestTrace } from './request-trace.js';
import type { RequestsDeps } from './requests-options.js';

export function onCancel(deps: RequestsDeps): Handler<typeof RequestSubjects.cancel> {
  return async (ctx, cancel) => {
    const principal = await verifyCaller(deps.tokens, ctx, { enforceExpiry: true });
    const record = isRequestId(cancel.requestId) ? await deps.records.get(cancel.requestId) : undefined;
    if (!record) {
      throw requestError('OO_ERR_REQUEST_NOT_FOUND', `request ${cancel.requestId} is not known`, {
        requestId: cancel.requestId,
      });
    }
    authorize(principal, 'cancel', record.submittedBy);
    const { runId } = record;
    if (!runId) {
      throw requestError(
        'OO_ERR_REQUEST_STATE',
        `request ${record.requestId} was rejected: it has no run to cancel`,
        {
          requestId: record.requestId,
          status: record.status,
        },
      );
    }
    if (hasEnded(record.status)) {
      ctx.log.info({ status: record.status }, 'request already ended; nothing to cancel');
      return undefined;
    }
    await inRequestTrace(ctx, deps.tracer, record.traceId, 'request cancel', (span) =>
      ctx.publish(
        EngineSubjects.cancel,
        { runId, reason: cancel.reason },
        {
          span,
          msgId: `${record.requestId}.cancel`,
          ids: { traceId: record.traceId, requestId: record.requestId, runId },
        },
      ),
    );
    ctx.log.info({ run_id: runId, by: principal.sub }, 'request cancel sent');
    return undefined;
  };
}
