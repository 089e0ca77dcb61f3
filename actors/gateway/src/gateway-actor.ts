/**
 * The gateway actor: the HTTP front door (fastify). It consumes no JetStream subjects; its setup
 * starts the server and three live subscriptions for the SSE streams, and its stop ends the open
 * streams and closes the server after in-flight calls finish.
 */
import { BucketNames, KEEP_ENDED_REQUESTS_MS, ObjectStoreNames, OoError, PresenceEntry } from '@oo/contracts';
import type { ReadModel } from '@oo/read-model';
import { defineActor, principalTokens, readPresence } from '@oo/runtime';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { z } from 'zod';
import { apiAuth } from './api-auth.js';
import { auditWriter } from './audit-writer.js';
import { authFailures } from './auth-failures.js';
import { eventHub } from './event-hub.js';
import { type GatewayDeps, openStreams, type RequestLinks, type TemplateInfo } from './gateway-deps.js';
import { buildHttpApp } from './http-app.js';
import { IDEMPOTENCY_WINDOW_MS, idempotencyStore } from './idempotency.js';
import { outputValues } from './output-values.js';
import { principalMinter } from './principal-minter.js';
import { rateLimiter } from './rate-limit.js';

const KIB = 1024;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** What `onListening` receives once the server listens. */
export interface GatewayListening {
  /** Base URL of the bound server, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Calls the app in memory, without a socket (fastify's `inject`), for tests and the CLI. */
  readonly inject: (options: InjectOptions | string) => Promise<LightMyRequestResponse>;
}

const isFunction = (value: unknown) => typeof value === 'function';

export const GatewayOptions = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests); see `onListening`. */
    port: z.number().int().min(0).max(65_535),
    readModel: z.custom<ReadModel>(
      (v) => typeof v === 'object' && v !== null && isFunction((v as ReadModel).getRequest),
      'must be an open ReadModel',
    ),
    /** Largest request body accepted (bytes); larger ones get 413. */
    bodyLimitBytes: z
      .number()
      .int()
      .positive()
      .default(256 * KIB),
    rateLimit: z
      .object({ perMinute: z.number().int().positive().default(600) })
      .strict()
      .default({ perMinute: 600 }),
    /**
     * Failed authentications per minute from one client address before its calls get 429 for the
     * rest of the minute, valid tokens included (0 = no limit); behind a proxy, the proxy's address.
     */
    authFailuresPerMinute: z.number().int().min(0).default(60),
    /** How clients reach the gateway (behind a proxy); links in answers are relative without it. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    templates: z.custom<() => readonly TemplateInfo[]>(isFunction).optional(),
    catalog: z.array(z.string()).optional(),
    /** How long a found API token is trusted before the database is asked again (ms; 0 = every call). */
    tokenCacheMs: z.number().int().min(0).max(60_000).default(5_000),
    /** How long a client may take to send a whole request, headers and body (ms); a slower one gets 408. */
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /**
     * How long the requests actor keeps an ended request's record (ms; its `keepEndedRequestsMs`):
     * a rerun of a request that ended longer ago is refused here, not dead-lettered there.
     */
    keepEndedRequestsMs: z.number().int().positive().default(KEEP_ENDED_REQUESTS_MS),
    /** SSE keep-alive comment interval (ms). */
    heartbeatMs: z.number().int().min(100).default(15_000),
    /** How long an event stream waits for a request the read model does not know yet (ms). */
    followGraceMs: z.number().int().min(0).max(60_000).default(5_000),
    onListening: z.custom<(listening: GatewayListening) => void>(isFunction).optional(),
  })
  .strict();
export type GatewayOptions = z.input<typeof GatewayOptions>;

function linksFor(publicUrl: string | undefined) {
  const base = (publicUrl ?? '').replace(/\/+$/, '');
  return (requestId: string): RequestLinks => {
    const self = `${base}/v1/requests/${encodeURIComponent(requestId)}`;
    return { self, events: `${self}/events`, logs: `${self}/logs` };
  };
}

/**
 * @throws OoError OO_ERR_CONFIG_INVALID for bad options (at once) or a missing auth.secret (at start)
 */
export function gatewayActor(options: GatewayOptions) {
  const parsed = GatewayOptions.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `gateway.${i.path.join('.')}: ${i.message}`);
    throw new OoError('OO_ERR_CONFIG_INVALID', `invalid gateway options: ${problems.join('; ')}`);
  }
  const o = parsed.data;
  return defineActor({
    name: 'gateway',
    version: '0.1.0',
    description: 'HTTP API: submit, follow, rerun and cancel requests; OpenAPI and docs',
    async setup(env) {
      const secret = env.config.auth.secret;
      if (!secret) {
        throw new OoError(
          'OO_ERR_CONFIG_INVALID',
          'auth.secret is required: the gateway signs principal tokens',
        );
      }
      const log = env.log.child({ component: 'http' });
      const presence = await env.bucket(BucketNames.presence, PresenceEntry);
      const streams = openStreams();
      const deps: GatewayDeps = {
        readModel: o.readModel,
        auditLog: auditWriter((entries) => o.readModel.recordAudits(entries)),
        outputs: outputValues(await env.objects(ObjectStoreNames.outputs), log),
        publish: env.publish,
        mint: principalMinter(principalTokens(secret), {
          ttlSeconds: env.config.auth.principalTtlSeconds,
          now: env.clock.now,
        }),
        tracer: env.tracer,
        log,
        auth: apiAuth({ readModel: o.readModel, log, cacheMs: o.tokenCacheMs, now: env.clock.now }),
        limiter: rateLimiter(o.rateLimit.perMinute, env.clock.now),
        authFailures: authFailures(o.authFailuresPerMinute, env.clock.now),
        idempotency: idempotencyStore(o.readModel, env.clock.now),
        hub: eventHub(env, log),
        streams,
        presence: () => readPresence(presence, env.clock.now()),
        // A KV read is a request to the server: it answers only while NATS is connected.
        natsReady: async () => {
          await presence.get('gateway-readyz');
        },
        templates: o.templates ?? (() => []),
        catalog: o.catalog ?? [],
        links: linksFor(o.publicUrl),
        bodyLimitBytes: o.bodyLimitBytes,
        rerunnable: (endedAt) => Date.parse(endedAt) > env.clock.now() - o.keepEndedRequestsMs,
        heartbeatMs: o.heartbeatMs,
        followGraceMs: o.followGraceMs,
      };
      const app = await buildHttpApp(deps, { publicUrl: o.publicUrl, requestTimeoutMs: o.requestTimeoutMs });
      await app.listen({ host: o.host, port: o.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : o.port;
      const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
      env.log.info({ url, docs: `${url}/docs` }, 'gateway listening');
      o.onListening?.({ url, inject: (request) => app.inject(request) });

      // Idempotency answers older than the window are dead weight: drop them now and then.
      const prune = setInterval(() => {
        o.readModel
          .pruneResponses(new Date(env.clock.now() - IDEMPOTENCY_WINDOW_MS))
          .catch((err: unknown) => log.warn({ err }, 'old idempotency answers not pruned'));
      }, PRUNE_INTERVAL_MS);
      prune.unref();

      return {
        async stop() {
          clearInterval(prune);
          streams.closeAll();
          await app.close();
        },
      };
    },
  });
}
