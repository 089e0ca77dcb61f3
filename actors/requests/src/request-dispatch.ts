/**
 * Carries out the first outcome of a request from its record: for an accepted one the request
 * file, the `accepted` event, the notice and the run start; for a rejected one the `rejected`
 * event. Every publish carries a msgId derived from the request id, and the record is marked
 * dispatched last, so a redelivery repeats only what may not have gone out — and JetStream drops
 * the repeats — never a second run. A record whose run has reported already is only marked.
 */
import {
  EngineSubjects,
  type ErrorData,
  NotifySubjects,
  OoError,
  type RequestStatus,
  requestEventSubject,
} from '@oo/contracts';
import { type ActorContext, type ActorEnv, type Publish, startSpanInTrace } from '@oo/runtime';
import { type NoticeKind, recipients, renderNotice } from './notice.js';
import { requestEvent, requestFile, requestFileName, startRun } from './request-messages.js';
import type { RequestRecord } from './request-records.js';
import { inRequestTrace } from './request-trace.js';
import type { RequestsDeps } from './requests-options.js';

type Ctx = Pick<ActorContext, 'traceId' | 'span' | 'publish' | 'clock' | 'log'>;
type Span = ActorContext['span'];

function idsOf(record: RequestRecord) {
  return { traceId: record.traceId, requestId: record.requestId, runId: record.runId };
}

/** Sends the `kind` notice of a request to its recipients, if it has any. */
export async function sendNotice(
  deps: RequestsDeps,
  ctx: Ctx,
  span: Span,
  record: RequestRecord,
  kind: NoticeKind,
  options: { error?: ErrorData | undefined; principal?: string } = {},
): Promise<void> {
  const to = recipients(deps.defaultTo, record);
  if (to.length === 0) {
    ctx.log.debug({ kind }, 'no recipients configured; notice not sent');
    return;
  }
  const { subject, text } = renderNotice(kind, record, options.error);
  await ctx.publish(
    NotifySubjects.email,
    { to, subject, text, requestId: record.requestId, traceId: record.traceId, kind },
    {
      span,
      msgId: `${record.requestId}.notify.${kind}`,
      ids: idsOf(record),
      ...(options.principal ? { principal: options.principal } : {}),
    },
  );
}

/**
 * Announces a request's new status after its first outcome: its event and, once it has ended, its
 * notice (msgIds `<request>.<status>`, so a repeat is dropped). The run events handler calls it for
 * what a run reported; `abandon` for a request that never got a run.
 */
export async function announceStatus(
  deps: RequestsDeps,
  ctx: Ctx,
  span: Span,
  record: RequestRecord,
  status: RequestStatus,
  at: string,
  outcome: { output?: unknown; error?: ErrorData | undefined; principal?: string } = {},
): Promise<void> {
  const { principal, ...result } = outcome;
  const byPrincipal = principal ? { principal } : {};
  await ctx.publish(requestEventSubject(status), requestEvent(record, status, at, result), {
    span,
    msgId: `${record.requestId}.${status}`,
    ids: idsOf(record),
    ...byPrincipal,
  });
  if (status !== 'running')
    await sendNotice(deps, ctx, span, record, status, { error: result.error, ...byPrincipal });
}

async function dispatchAccepted(deps: RequestsDeps, ctx: Ctx, span: Span, record: RequestRecord) {
  const { runId, template, fileUrl, body } = record;
  if (!runId || !template || !fileUrl || !body) {
    throw new Error(`accepted request ${record.requestId} lacks its run or body`);
  }
  await deps.files.put(requestFileName(record.requestId), requestFile({ ...record, body }), {
    contentType: 'application/json',
  });
  const options = { span, ids: idsOf(record) };
  await ctx.publish(requestEventSubject('accepted'), requestEvent(record, 'accepted', ctx.clock.iso()), {
    ...options,
    msgId: `${record.requestId}.accepted`,
  });
  await sendNotice(deps, ctx, span, record, 'accepted');
  await ctx.publish(EngineSubjects.start, startRun({ ...record, runId, template, fileUrl, body }), {
    ...options,
    msgId: `${record.requestId}.start`,
  });
}

async function announce(deps: RequestsDeps, ctx: Ctx, record: RequestRecord): Promise<void> {
  await inRequestTrace(ctx, deps.tracer, record.traceId, 'request dispatch', async (span) => {
    if (record.status === 'rejected') {
      await ctx.publish(requestEventSubject('rejected'), requestEvent(record, 'rejected', ctx.clock.iso()), {
        span,
        ids: idsOf(record),
        msgId: `${record.requestId}.rejected`,
      });
      ctx.log.info({ reasons: record.reasons }, 'request rejected');
    } else {
      await dispatchAccepted(deps, ctx, span, record);
      ctx.log.info({ template: record.template, run_id: record.runId }, 'request accepted; run started');
    }
  });
}

export async function dispatch(deps: RequestsDeps, ctx: Ctx, record: RequestRecord): Promise<void> {
  if (record.status !== 'accepted' && record.status !== 'rejected') {
    // Its run has reported (running or ended), so the start went out and everything before it: only
    // the mark is missing. Announcing it again would repeat the notice and, once JetStream's
    // duplicate window is over, publish an `accepted` that moves the request back in the read model.
    ctx.log.info({ status: record.status }, 'request was dispatched before a crash; marking it');
  } else {
    await announce(deps, ctx, record);
  }
  await deps.records.change(record.requestId, (r) => (r.dispatched ? undefined : { ...r, dispatched: true }));
}

/**
 * Ends an accepted request whose start never went out, found only once it is older than the engine
 * keeps runs (request-reconciler.ts): a start now might run it a second time, so it ends `failed`
 * with OO_ERR_REQUEST_NOT_STARTED, announced and noticed as a run's failure would be, and the
 * record is written last, as `dispatch` marks it last: a crash before the write repeats the
 * announcement on the next pass, and the msgIds drop the repeat.
 */
export async function abandon(
  deps: RequestsDeps,
  ctx: Ctx,
  record: RequestRecord,
  keepEndedRunsMs: number,
): Promise<void> {
  const { requestId, runId, submittedAt } = record;
  const days = Math.round(keepEndedRunsMs / 86_400_000);
  const error = new OoError(
    'OO_ERR_REQUEST_NOT_STARTED',
    `request ${requestId} was accepted at ${submittedAt}, but its run was never started, and it is ` +
      `older than the engine keeps runs (${days} days): it is not started now, as it may have run ` +
      'already; check whether what it asked for exists, else rerun it',
    { retryable: false, details: { requestId, runId, submittedAt, keepEndedRunsMs } },
  ).toData();
  const failed: RequestRecord = { ...record, status: 'failed' };
  await inRequestTrace(ctx, deps.tracer, record.traceId, 'request abandon', (span) =>
    announceStatus(deps, ctx, span, failed, 'failed', ctx.clock.iso(), { error }),
  );
  // Unless its run reported meanwhile after all: then that run's events tell the rest.
  await deps.records.change(requestId, (r) =>
    r.status === 'accepted' && !r.dispatched ? { ...r, status: 'failed', dispatched: true } : undefined,
  );
}

/**
 * `dispatch` or `abandon` outside any delivery (the reconciler's): in the request's trace, on this
 * actor's own account — the notifier wants a principal, and there is no caller's to carry over.
 */
export async function onOwnAccount(
  deps: RequestsDeps,
  env: Pick<ActorEnv, 'publish' | 'clock' | 'log'>,
  record: RequestRecord,
  action: (ctx: Ctx) => Promise<void>,
): Promise<void> {
  const principal = await deps.serviceToken();
  const span = startSpanInTrace(deps.tracer, record.traceId, 'request reconcile');
  const publish: Publish = (subject, body, options) => env.publish(subject, body, { principal, ...options });
  try {
    await action({
      traceId: record.traceId,
      span,
      publish,
      clock: env.clock,
      log: env.log.child({ trace_id: record.traceId, request_id: record.requestId }),
    });
  } finally {
    span.end();
  }
}
