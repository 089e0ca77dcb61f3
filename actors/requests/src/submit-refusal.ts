/**
 * A submit refused for its body (not JSON, or not its schema) is dead-lettered by the runtime before
 * `onSubmit` runs, and a sender outside OO cannot read the dead-letter subject. One that can follow
 * its request — it named the id (`oo-request-id`) and proved who it is — hears of it like of any
 * rejection: a `rejected` event giving each field and the rule it breaks.
 *
 * The id is spent then: recorded as a rejected request without a body, so a later submit under it
 * does nothing (a new request takes a new id) and its outcome never contradicts the event. Creating
 * that record is the commit point; a refused copy of an id already taken in changes nothing.
 */
import { type ErrorData, type Principal, toOoError } from '@oo/contracts';
import { type ActorContext, type RefusedHook, verifyCaller } from '@oo/runtime';
import { z } from 'zod';
import { authorize } from './caller.js';
import { dispatch } from './request-dispatch.js';
import { isRequestId } from './request-ids.js';
import type { RequestRecord } from './request-records.js';
import type { RequestsDeps } from './requests-options.js';

/** Reasons an event carries at most: a body can break its schema in thousands of places. */
const MAX_REASONS = 100;
/** Characters kept of a reason's path or message (an unknown key's name is the sender's). */
const MAX_TEXT = 1_000;

const Issues = z.array(z.object({ path: z.string(), message: z.string() }));
type Reason = z.infer<typeof Issues>[number];

const clip = (text: string) => (text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT)}…`);

/** The refusal's schema issues as rejection reasons (`resources.0.cpu: …`), or its message. */
export function refusalReasons(error: ErrorData): Reason[] {
  const issues = Issues.safeParse(error.details?.issues);
  if (!issues.success || issues.data.length === 0)
    return [{ path: '(request)', message: clip(error.message) }];
  const reasons = issues.data
    .slice(0, MAX_REASONS)
    .map((i) => ({ path: clip(i.path || '(request)'), message: clip(i.message) }));
  const more = issues.data.length - reasons.length;
  return more > 0 ? [...reasons, { path: '(request)', message: `and ${more} more problems` }] : reasons;
}

/** The verified, authorized sender; undefined (logged) when there is none to tell. */
async function sender(deps: RequestsDeps, ctx: ActorContext): Promise<Principal | undefined> {
  try {
    const principal = await verifyCaller(deps.tokens, ctx, { enforceExpiry: true });
    authorize(principal, 'submit');
    return principal;
  } catch (err) {
    ctx.log.info(
      { err: toOoError(err).toData() },
      'refused submit from a caller not verified: dead letter only',
    );
    return undefined;
  }
}

export function onSubmitRefused(deps: RequestsDeps): RefusedHook {
  return async (ctx, error) => {
    const requestId = ctx.requestId;
    if (requestId === undefined || !isRequestId(requestId)) {
      ctx.log.debug('refused submit names no request id to follow: dead letter only');
      return;
    }
    const principal = await sender(deps, ctx);
    if (!principal) return;
    const refused: RequestRecord = {
      requestId,
      traceId: ctx.traceId,
      submittedBy: principal.sub,
      submittedAt: ctx.publishedAt,
      status: 'rejected',
      reasons: refusalReasons(error),
      dispatched: false,
    };
    const { record, created } = await deps.records.create(refused);
    // An earlier copy of this refusal may have been recorded without its event going out; a
    // request taken in (it has a body) is the submit handler's.
    if (record.body === undefined && !record.dispatched) await dispatch(deps, ctx, record);
    else if (!created) ctx.log.info('refused submit reuses a known request id: dead letter only');
  };
}
