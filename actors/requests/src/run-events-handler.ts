/**
 * Run events -> request events. Only root runs (no parent) that carry a request id matter: the
 * request becomes `running` once, then `succeeded`, `failed` or `cancelled` with the run's output
 * or error, and the requester gets a second notice — all in the request's trace, whatever trace
 * the run event came in. A run that failed because the request is not allowed (an error code that
 * `rejects`, such as RFM's policy rejection) ends the request `rejected` with every reason instead:
 * nothing broke, the request must change (or the policy). A request only moves forward, so an event
 * that arrives late (a `running` after the end) changes nothing.
 */
import { type EngineSubjects, type RequestStatus, rejectionReasons } from '@oo/contracts';
import type { Handler } from '@oo/runtime';
import { announceStatus } from './request-dispatch.js';
import { isRequestId } from './request-ids.js';
import { inRequestTrace } from './request-trace.js';
import type { RequestsDeps } from './requests-options.js';

const RANK: Record<RequestStatus, number> = {
  accepted: 0,
  running: 1,
  succeeded: 2,
  failed: 2,
  cancelled: 2,
  rejected: 2,
};

export function onRunEvent(deps: RequestsDeps): Handler<typeof EngineSubjects.runEvents> {
  return async (ctx, event) => {
    const { requestId } = event;
    if (event.parent || !requestId || !isRequestId(requestId)) return undefined;
    const reasons = event.status === 'failed' ? rejectionReasons(event.error) : undefined;
    const target: RequestStatus = reasons ? 'rejected' : event.status;
    const result = await deps.records.change(requestId, (r) =>
      r.runId === event.runId && RANK[r.status] < RANK[target]
        ? { ...r, status: target, ...(reasons ? { reasons } : {}) }
        : undefined,
    );
    if (!result) return undefined;
    const { record, changed } = result;
    if (record.runId !== event.runId || record.status !== target) return undefined;
    // Unchanged on a first delivery: a repeated event, already acted on. Unchanged on a redelivery:
    // the first attempt may have died after the write — publish again (the msgIds drop repeats).
    if (!changed && ctx.attempt === 1) return undefined;
    const principal = await deps.serviceToken();
    await inRequestTrace(ctx, deps.tracer, record.traceId, 'request status', (span) =>
      announceStatus(deps, ctx, span, record, target, event.at, {
        output: event.output,
        error: event.error,
        principal,
      }),
    );
    ctx.log.info({ status: target }, 'request status changed');
    return undefined;
  };
}
