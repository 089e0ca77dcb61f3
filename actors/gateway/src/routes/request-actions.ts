/**
 * Acting on an existing request: rerun (operators and admins; a new request id in the SAME trace)
 * and cancel (operators and admins, or the requester for their own). Both check the read model
 * first, so a request that cannot be rerun or cancelled is refused here with 404 / 409 instead of
 * being accepted and then dropped by the requests actor. The command is published under a span in
 * the original request's trace, linked to the span of this call.
 */
import { newId, type RequestStatus, RequestSubjects } from '@oo/contracts';
import type { RequestView } from '@oo/read-model';
import { startSpanInTrace } from '@oo/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { audit, authorize, callerOf, type GatewayDeps, spanOf } from '../gateway-deps.js';
import { gatewayError } from '../gateway-errors.js';
import {
  Accepted,
  CancelBody,
  CancelRequested,
  problems,
  RequestIdParams,
  RerunBody,
} from '../http-schemas.js';
import { checkRequestedNames } from '../inventory/requested-names.js';

// `rejected` by its run (the policy) too: say once an admin widened the policy. A request rejected
// before it ran has no run to rerun (runId null).
const ENDED: ReadonlySet<RequestStatus> = new Set<RequestStatus>([
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
]);
const CANCELLABLE: ReadonlySet<RequestStatus> = new Set<RequestStatus>(['accepted', 'running']);

async function known(deps: GatewayDeps, requestId: string): Promise<RequestView> {
  const view = await deps.readModel.getRequest(requestId);
  if (!view) {
    throw gatewayError('OO_ERR_REQUEST_NOT_FOUND', `request ${requestId} is not known`, { requestId });
  }
  return view;
}

export const requestActionRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.post(
    '/requests/:id/rerun',
    {
      schema: {
        summary: 'Rerun an ended request',
        description:
          'A new request (new id) in the same trace as the original. `resume` keeps the outputs of tasks ' +
          'that succeeded and runs only the others; `restart` runs everything again. A request its run ' +
          'rejected (the policy) may be rerun, one rejected before it ran may not. With an inventory ' +
          'source, the resources it would build (the edited body, else the original) may not ask for a ' +
          'network the policy permits but the inventory lacks (422 `OO_ERR_INVENTORY_NAME_UNKNOWN`). Operators and admins.',
        tags: ['requests'],
        params: RequestIdParams,
        body: RerunBody,
        response: { 202: Accepted, ...problems(400, 401, 403, 404, 409, 410, 413, 415, 422, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      authorize(caller, 'rerun');
      const original = await known(deps, request.params.id);
      if (!ENDED.has(original.status) || original.runId === null) {
        throw gatewayError(
          'OO_ERR_REQUEST_STATE',
          `request ${original.requestId} is ${original.status}${original.runId === null ? ' and never ran' : ''}; only a request that ran and ended (succeeded, failed, rejected by its run, cancelled) can be rerun`,
          { requestId: original.requestId, requestStatus: original.status },
        );
      }
      // The requests actor lets the record a rerun needs go some time after the end (the read
      // model keeps the request): refused here, not accepted and then dead-lettered unseen.
      if (!deps.rerunnable(original.updatedAt)) {
        throw gatewayError(
          'OO_ERR_REQUEST_RERUN_EXPIRED',
          `request ${original.requestId} ended at ${original.updatedAt}, longer ago than requests are kept for a rerun; submit it again`,
          { requestId: original.requestId, endedAt: original.updatedAt },
        );
      }
      const requestId = newId('req');
      const { mode, body } = request.body;
      await checkRequestedNames(
        deps.inventory,
        () => deps.readModel.getPolicy(),
        body?.resources ?? original.resources,
        request.log,
      );
      const span = startSpanInTrace(deps.tracer, original.traceId, 'request rerun', {
        link: spanOf(request),
        attributes: { 'oo.request.id': requestId, 'oo.rerun.of': original.requestId },
      });
      try {
        await deps.publish(
          RequestSubjects.rerun,
          { requestId: original.requestId, mode, ...(body ? { body } : {}) },
          {
            ids: { requestId, traceId: original.traceId },
            principal: await deps.mint(caller),
            span,
            msgId: requestId,
          },
        );
      } finally {
        span.end();
      }
      await audit(deps, {
        principal: caller.sub,
        action: 'request.rerun',
        target: original.requestId,
        traceId: original.traceId,
        details: { requestId, mode, edited: body !== undefined, tokenId: caller.tokenId ?? null },
      });
      request.log.info({ requestId, rerunOf: original.requestId, mode, by: caller.sub }, 'rerun accepted');
      const links = deps.links(requestId);
      return reply.code(202).header('location', links.self).send({
        requestId,
        traceId: original.traceId,
        status: 'accepted',
        rerunOf: original.requestId,
        links,
      });
    },
  );

  app.post(
    '/requests/:id/cancel',
    {
      schema: {
        summary: 'Cancel a request in progress',
        description: 'Cancels its runs, children and running tasks. Operators and admins, or its requester.',
        tags: ['requests'],
        params: RequestIdParams,
        body: CancelBody,
        response: {
          202: CancelRequested,
          ...problems(400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const view = await known(deps, request.params.id);
      authorize(caller, 'cancel', view.submittedBy);
      if (!CANCELLABLE.has(view.status)) {
        throw gatewayError(
          'OO_ERR_REQUEST_STATE',
          `request ${view.requestId} is ${view.status}: there is nothing left to cancel`,
          { requestId: view.requestId, requestStatus: view.status },
        );
      }
      const reason = request.body?.reason ?? `cancelled by ${caller.sub}`;
      const span = startSpanInTrace(deps.tracer, view.traceId, 'request cancel', {
        link: spanOf(request),
        attributes: { 'oo.request.id': view.requestId },
      });
      try {
        await deps.publish(
          RequestSubjects.cancel,
          { requestId: view.requestId, reason },
          {
            ids: { requestId: view.requestId, traceId: view.traceId },
            principal: await deps.mint(caller),
            span,
          },
        );
      } finally {
        span.end();
      }
      await audit(deps, {
        principal: caller.sub,
        action: 'request.cancel',
        target: view.requestId,
        traceId: view.traceId,
        details: { reason, tokenId: caller.tokenId ?? null },
      });
      request.log.info({ requestId: view.requestId, by: caller.sub }, 'cancel accepted');
      return reply.code(202).send({
        requestId: view.requestId,
        traceId: view.traceId,
        status: 'cancel-requested',
        links: deps.links(view.requestId),
      });
    },
  );
};
