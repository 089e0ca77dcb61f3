/**
 * Requests: submit one (202 at once, the requests actor does the rest), read one, list them.
 *
 * A submit is published on `oo.cmd.requests.submit` with the request id the gateway assigns (so it
 * can answer before anything else happens), a freshly minted principal token, and the call's span:
 * the span's trace id becomes the request's trace id for its whole life.
 */
import { can, newId, RequestBody, RequestSubjects } from '@oo/contracts';
import { RequestPage } from '@oo/read-model';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { audit, authorize, callerOf, type GatewayDeps, spanOf } from '../gateway-deps.js';
import { gatewayError } from '../gateway-errors.js';
import {
  type Accepted,
  Accepted as AcceptedSchema,
  ListQuery,
  problems,
  RequestDetail,
  RequestIdParams,
  SubmitHeaders,
} from '../http-schemas.js';
import { bodyHash, idempotentMsgId } from '../idempotency.js';
import { checkRequestedNames } from '../inventory/requested-names.js';

export const requestRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.post(
    '/requests',
    {
      schema: {
        summary: 'Submit a request',
        description:
          'Answers 202 as soon as the request is on the bus; follow it with the `events` link. With an ' +
          '`Idempotency-Key`, the same key and body within 24 h get the same answer and submit nothing new. ' +
          'With an inventory source, a VM may not ask for a network the policy permits but the inventory does not hold (422 ' +
          '`OO_ERR_INVENTORY_NAME_UNKNOWN` naming each field); an inventory that cannot be read does not stop a submit.',
        tags: ['requests'],
        headers: SubmitHeaders,
        body: RequestBody,
        response: {
          202: AcceptedSchema,
          ...problems(400, 401, 403, 409, 413, 415, 422, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      authorize(caller, 'submit');
      const key = request.headers['idempotency-key'];
      const hash = key === undefined ? '' : bodyHash(request.body);
      const answer = (accepted: Accepted, replayed: boolean) => {
        if (replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(202).header('location', accepted.links.self).send(accepted);
      };
      if (key !== undefined) {
        const earlier = await deps.idempotency.find(caller.sub, key, hash);
        if (earlier) return answer(earlier, true);
      }
      await checkRequestedNames(
        deps.inventory,
        () => deps.readModel.getPolicy(),
        request.body.resources,
        request.log,
      );

      const requestId = newId('req');
      const span = spanOf(request);
      span.setAttribute('oo.request.id', requestId);
      const published = await deps.publish(RequestSubjects.submit, request.body, {
        ids: { requestId },
        principal: await deps.mint(caller),
        span,
        msgId: key === undefined ? requestId : idempotentMsgId(caller.sub, key),
      });
      if (published.duplicate && key !== undefined) {
        // Another call with this key published first: its answer is the answer.
        return answer(await deps.idempotency.awaitFirst(caller.sub, key, hash), true);
      }
      let accepted: Accepted = {
        requestId,
        traceId: published.traceId,
        status: 'accepted',
        links: deps.links(requestId),
      };
      if (key !== undefined) {
        try {
          accepted = await deps.idempotency.remember(caller.sub, key, hash, accepted);
        } catch (err) {
          // The request is on the bus: it is accepted, only a retry with this key will not find it.
          request.log.error({ err, requestId }, 'idempotency answer not stored');
        }
      }
      await audit(deps, {
        principal: caller.sub,
        action: 'request.submit.http',
        target: requestId,
        traceId: published.traceId,
        details: { tokenId: caller.tokenId ?? null, ...(key === undefined ? {} : { idempotencyKey: key }) },
      });
      request.log.info({ requestId, traceId: published.traceId, by: caller.sub }, 'request accepted');
      return answer(accepted, false);
    },
  );

  app.get(
    '/requests/:id',
    {
      schema: {
        summary: 'Read a request with its runs, tasks and commits',
        description:
          'Requesters may read their own requests only. `outputs` is the run output, also when it was ' +
          'too large to travel inline (it is read from the `outputs` object store); once that object ' +
          'has expired (30 days) it is the `OutputRef` that pointed to it. `links.trace` is where its ' +
          'trace is shown, where the gateway is configured with one (`gateway.traceUrl`).',
        tags: ['requests'],
        params: RequestIdParams,
        response: { 200: RequestDetail, ...problems(400, 401, 403, 404, 429, 500) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const view = await deps.readModel.getRequest(request.params.id);
      if (!view) {
        throw gatewayError('OO_ERR_REQUEST_NOT_FOUND', `request ${request.params.id} is not known`, {
          requestId: request.params.id,
        });
      }
      authorize(caller, 'readAll', view.submittedBy);
      const trace = deps.traceLink(view.traceId);
      return {
        ...view,
        outputs: await deps.outputs(view.outputs),
        links: { ...deps.links(view.requestId), ...(trace ? { trace } : {}) },
      };
    },
  );

  app.get(
    '/requests',
    {
      schema: {
        summary: 'List requests, newest first',
        description: 'Requesters see their own requests only, whatever `mine` says.',
        tags: ['requests'],
        querystring: ListQuery,
        response: { 200: RequestPage, ...problems(400, 401, 429, 500) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { status, mine, limit, cursor } = request.query;
      const own = mine === 'true' || !can(caller.role, 'readAll');
      return deps.readModel.listRequests({
        limit,
        ...(status ? { status } : {}),
        ...(cursor ? { cursor } : {}),
        ...(own ? { submittedBy: caller.sub } : {}),
      });
    },
  );
};
