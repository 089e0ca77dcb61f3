/**
 * The gateway's fastify instance: zod validation and serialisation, the OpenAPI document, a span
 * and trace id per call, one error handler that answers problem+json, and the route plugins — the
 * web UI's files, and everything under /v1 authenticated (failures limited per client address) and
 * rate-limited per token.
 */
import { randomBytes } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import { OoError } from '@oo/contracts';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type HTTPMethods,
  LogController,
} from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { allowedMethods } from './allowed-methods.js';
import { validatorCompiler } from './body-validator.js';
import { clientErrorHandler } from './client-error.js';
import type { GatewayDeps } from './gateway-deps.js';
import { gatewayError } from './gateway-errors.js';
import { endHttpSpan, startHttpSpan } from './http-trace.js';
import { acceptJsonBodies } from './json-body.js';
import { openApiOptions } from './openapi-document.js';
import { excerpt, PROBLEM_JSON, toProblem } from './problem.js';
import { catalogRoutes } from './routes/catalog.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { inventoryRoutes } from './routes/inventory.js';
import { meRoutes } from './routes/me.js';
import { policyRoutes } from './routes/policy.js';
import { presenceRoutes } from './routes/presence.js';
import { requestActionRoutes } from './routes/request-actions.js';
import { requestEventRoutes } from './routes/request-events.js';
import { requestRoutes } from './routes/requests.js';
import { tokenRoutes } from './routes/tokens.js';
import { webUiRoutes } from './routes/web-ui.js';

/** Longer path parameters are refused before routing; shorter ones meet their schema (both 400). */
const MAX_PARAM_LENGTH = 512;
/** How often Node looks for requests past their timeout (ms). */
const OVERDUE_CHECK_MS = 1_000;
/** Node's default time for a request's headers to arrive (ms). */
const NODE_HEADERS_TIMEOUT_MS = 60_000;

export const API_VERSION = '1.0.0';

function sendProblem(deps: GatewayDeps, error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (!request.traceId) request.traceId = randomBytes(16).toString('hex');
  const problem = toProblem(error, {
    instance: request.url,
    traceId: request.traceId,
    maxBytes: deps.bodyLimitBytes,
  });
  if (problem.status >= 500)
    request.log.error({ err: error, traceId: request.traceId }, 'gateway call failed');
  else request.log.debug({ code: problem.code, detail: problem.detail }, 'gateway call refused');
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="oo"');
  if (typeof problem.retryAfterSeconds === 'number')
    reply.header('retry-after', String(problem.retryAfterSeconds));
  request.span?.setAttribute('oo.error.code', problem.code);
  if (problem.status >= 500 && error instanceof Error) request.span?.recordException(error);
  return reply.code(problem.status).type(PROBLEM_JSON).header('oo-trace-id', request.traceId).send(problem);
}

const AUTH_FAILURES = new Set(['OO_ERR_AUTH_MISSING', 'OO_ERR_AUTH_INVALID']);

/** The caller; a 401 counts against the client's address, a database failure does not. */
async function authenticate(deps: GatewayDeps, request: FastifyRequest) {
  try {
    return await deps.auth.authenticate(request.headers.authorization);
  } catch (err) {
    if (err instanceof OoError && AUTH_FAILURES.has(err.code) && deps.authFailures.fail(request.ip)) {
      request.log.warn(
        { address: request.ip },
        'too many failed authentications: address refused for the minute',
      );
    }
    throw err;
  }
}

export interface HttpAppOptions {
  readonly publicUrl?: string | undefined;
  /** How long a client may take to send a whole request (ms). */
  readonly requestTimeoutMs: number;
  /** fastify's `trustProxy`: whose X-Forwarded-For sets `request.ip` (gateway-options.ts). */
  readonly trustProxy: boolean | string[];
}

export async function buildHttpApp(deps: GatewayDeps, options: HttpAppOptions) {
  // Widened to fastify's logger type, so the instance has the plain FastifyInstance type.
  const loggerInstance: FastifyBaseLogger = deps.log;
  const app: FastifyInstance = Fastify({
    loggerInstance,
    // Failures are logged by the error handler with their trace id, not every call line by line.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitBytes,
    // fastify waits for a request's body without limit by default: a client that sent less than
    // its Content-Length, or stopped mid-chunk, held a connection and a request open for ever.
    // Node cuts a body off only with requestTimeout set, and not before headersTimeout (60 s) has
    // passed either, so that is kept no longer, as Node's own constructor would. It looks for
    // overdue requests every connectionsCheckingInterval (30 s by default).
    requestTimeout: options.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(NODE_HEADERS_TIMEOUT_MS, options.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(options.requestTimeoutMs, OVERDUE_CHECK_MS),
    },
    // request.ip, the address failed authentications count against, is the TCP peer's unless
    // the peer is a proxy trusted here; then it is the client X-Forwarded-For names.
    trustProxy: options.trustProxy,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A badly encoded URL never reaches a route or the error handler: answer it here, the same way.
    frameworkErrors: (error, request, reply) => sendProblem(deps, error, request, reply),
    // Nor does a request Node's HTTP parser refuses.
    clientErrorHandler: clientErrorHandler(deps.log, deps.bodyLimitBytes),
  });
  // Before any route, so that it sees them all.
  const allowed = allowedMethods(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  acceptJsonBodies(app);

  app.decorateRequest('caller', null);
  app.decorateRequest('span', null);
  app.decorateRequest('traceId', '');
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route?.startsWith('/v1/')) {
      request.span = startHttpSpan(deps.tracer, `${request.method} ${route}`, request.headers.traceparent);
      request.span.setAttribute('http.request.method', request.method);
      request.span.setAttribute('http.route', route);
      request.traceId = request.span.spanContext().traceId;
    } else {
      request.traceId = randomBytes(16).toString('hex');
    }
    reply.header('oo-trace-id', request.traceId);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.span) endHttpSpan(request.span, reply.statusCode);
  });
  app.setErrorHandler((error, request, reply) => sendProblem(deps, error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const allow = allowed.at(request.url);
    const where = `${request.method} ${excerpt(request.url, 200)}`;
    // A route of this very method may call the not-found handler too (no such file under /docs).
    if (allow.length === 0 || allow.includes(request.method as HTTPMethods)) {
      return sendProblem(
        deps,
        gatewayError('OO_ERR_HTTP_NOT_FOUND', `no route for ${where}; see /openapi.json`),
        request,
        reply,
      );
    }
    reply.header('allow', allow.join(', '));
    return sendProblem(
      deps,
      gatewayError(
        'OO_ERR_HTTP_METHOD_NOT_ALLOWED',
        `${where} is not allowed; this path answers ${allow.join(', ')}`,
        { allow },
      ),
      request,
      reply,
    );
  });

  await app.register(fastifySwagger, openApiOptions({ version: API_VERSION, publicUrl: options.publicUrl }));

  await app.register(docsRoutes);
  await app.register(webUiRoutes);
  await app.register(healthRoutes, { deps });
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', async (request) => {
        // Before the token is looked at: a blocked address costs no database lookup.
        deps.authFailures.check(request.ip);
        const caller = await authenticate(deps, request);
        request.caller = caller;
        request.span?.setAttribute('oo.principal', caller.sub);
        deps.limiter.take(caller.tokenId ?? caller.sub);
      });
      await v1.register(requestRoutes, { deps });
      await v1.register(requestActionRoutes, { deps });
      await v1.register(requestEventRoutes, { deps });
      await v1.register(catalogRoutes, { deps });
      await v1.register(tokenRoutes, { deps });
      await v1.register(meRoutes, { deps });
      await v1.register(presenceRoutes, { deps });
      await v1.register(deadLetterRoutes, { deps });
      await v1.register(policyRoutes, { deps });
      await v1.register(inventoryRoutes, { deps });
    },
    { prefix: '/v1' },
  );
  return app;
}
