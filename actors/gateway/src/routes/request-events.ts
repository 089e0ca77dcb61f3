/**
 * A request's events: live as Server-Sent Events (history, then live, until it ends; see
 * event-stream.ts), or stored ones as JSON pages (`logs`).
 *
 * The read model learns of a request a moment after it was accepted, so an event stream opened
 * right after the 202 waits up to `followGraceMs` for the request's first event before answering 404.
 * An id the gateway minted over a minute ago (its time is in it) is not waited for: a typo answers at once.
 */
import { idTime, type Principal } from '@oo/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EVENT_STREAM, type Follow, follow, streamEvents } from '../event-stream.js';
import { authorize, callerOf, type GatewayDeps } from '../gateway-deps.js';
import { gatewayError } from '../gateway-errors.js';
import {
  EventPage,
  EventsHeaders,
  EventsQuery,
  LogsQuery,
  problems,
  RequestIdParams,
} from '../http-schemas.js';
import { endHttpSpan } from '../http-trace.js';

function notFound(requestId: string) {
  return gatewayError('OO_ERR_REQUEST_NOT_FOUND', `request ${requestId} is not known`, { requestId });
}

/** Past this age a minted id the read model does not know is not waited for (ms). */
const SURELY_FOLDED_MS = 60_000;

/** Whether the read model may yet learn of `requestId`: a caller's own id, or one minted lately. */
function mayStillAppear(requestId: string): boolean {
  const minted = idTime(requestId);
  return minted === undefined || Date.now() - minted < SURELY_FOLDED_MS;
}

/** The request's status, once the caller may see it. */
async function visibleStatus(deps: GatewayDeps, caller: Principal, requestId: string, live?: Follow) {
  let found: { submittedBy: string; status: string } | undefined = await deps.readModel.getRequest(requestId);
  if (!found && live && mayStillAppear(requestId)) {
    const event = await live.firstRequestEvent(deps.followGraceMs);
    const body = event?.body as { submittedBy?: string; status?: string } | undefined;
    found =
      body?.submittedBy && body.status
        ? { submittedBy: body.submittedBy, status: body.status }
        : await deps.readModel.getRequest(requestId);
  }
  if (!found) throw notFound(requestId);
  authorize(caller, 'readAll', found.submittedBy);
  return found.status;
}

export const requestEventRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.get(
    '/requests/:id/events',
    {
      schema: {
        summary: "Follow a request's events (Server-Sent Events)",
        description:
          'The stored history, then live events, ending with `event: end` once the request has ended. ' +
          'Stored events carry `id:` (their sequence): reconnect with `Last-Event-ID` to resume after it. ' +
          'Live events carry no id and may be repeated on resume. Comments every few seconds keep the ' +
          'connection open.',
        tags: ['requests'],
        params: RequestIdParams,
        headers: EventsHeaders,
        querystring: EventsQuery,
        response: {
          200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
          ...problems(400, 401, 403, 404, 429, 500),
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { id } = request.params;
      if (request.method === 'HEAD') {
        // Node sends the headers of a HEAD answer only when it ends, so a HEAD on the stream of a
        // request still running hung until the request ended. A HEAD gets the headers alone.
        await visibleStatus(deps, caller, id);
        return reply.type(EVENT_STREAM).send('');
      }
      const afterSeq = Number(request.headers['last-event-id'] ?? request.query.lastEventId ?? 0);
      // Watch before looking: nothing published from here on can be missed.
      const live = follow(deps.hub, id);
      let status: string;
      try {
        status = await visibleStatus(deps, caller, id, live);
      } catch (err) {
        live.close();
        throw err;
      }
      reply.hijack();
      const span = request.span;
      reply.raw.setHeader('oo-trace-id', request.traceId);
      let forget: () => void = () => undefined;
      const stream = streamEvents(reply.raw, {
        readModel: deps.readModel,
        follow: live,
        requestId: id,
        afterSeq,
        status,
        heartbeatMs: deps.heartbeatMs,
        log: request.log,
        onClose: () => {
          forget();
          if (span) endHttpSpan(span, 200);
        },
      });
      forget = deps.streams.add(stream.close);
    },
  );

  app.get(
    '/requests/:id/logs',
    {
      schema: {
        summary: "A request's stored events, oldest first, as JSON pages",
        tags: ['requests'],
        params: RequestIdParams,
        querystring: LogsQuery,
        response: { 200: EventPage, ...problems(400, 401, 403, 404, 429, 500) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { id } = request.params;
      await visibleStatus(deps, caller, id);
      const { after, limit } = request.query;
      const items = await deps.readModel.requestEvents(id, after, limit);
      return { items, nextAfter: items.length === limit ? items.at(-1)!.seq : null };
    },
  );
};
