/**
 * `oo.cmd.requests.submit`: a new request. The caller must be authenticated; the body is checked
 * against the catalog and the templates; the request is recorded, filed, announced and started —
 * once per request id, however often the command is delivered or published.
 */
import type { RequestSubjects } from '@oo/contracts';
import { type Handler, verifyCaller } from '@oo/runtime';
import { authorize } from './caller.js';
import { dispatch } from './request-dispatch.js';
import { requestIdOf } from './request-ids.js';
import { intakeRecord } from './request-intake.js';
import type { RequestsDeps } from './requests-options.js';

export function onSubmit(deps: RequestsDeps): Handler<typeof RequestSubjects.submit> {
  return async (ctx, body) => {
    const requestId = requestIdOf(ctx);
    const known = await deps.records.get(requestId);
    // A known request was authenticated when it was first taken in; its token may have expired
    // since, but a forged one is still refused.
    const principal = await verifyCaller(deps.tokens, ctx, { enforceExpiry: !known });
    authorize(principal, 'submit');
    if (known) {
      if (!known.dispatched) await dispatch(deps, ctx, known);
      else ctx.log.debug('request already known; nothing to do');
      return undefined;
    }
    const { record } = await deps.records.create(
      intakeRecord(deps.rules, deps.filestoreUrl, {
        requestId,
        traceId: ctx.traceId,
        submittedBy: principal.sub,
        submittedAt: ctx.publishedAt,
        body,
      }),
    );
    if (!record.dispatched) await dispatch(deps, ctx, record);
    return undefined;
  };
}
