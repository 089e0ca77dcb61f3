/**
 * The gateway actor: the HTTP front door (fastify). It consumes no JetStream subjects; its setup
 * starts the server and three live subscriptions for the SSE streams, and its stop ends the open
 * streams and closes the server after in-flight calls finish.
 */
import {
  BucketNames,
  issuesText,
  ObjectStoreNames,
  OoError,
  PresenceEntry,
  schemaIssues,
} from '@oo/contracts';
import { defineActor, listenNamingKeys, outputValues, principalTokens, readPresence } from '@oo/runtime';
import { apiAuth } from './api-auth.js';
import { auditWriter } from './audit-writer.js';
import { authFailures } from './auth-failures.js';
import { eventHub } from './event-hub.js';
import { type GatewayDeps, openStreams, type RequestLinks } from './gateway-deps.js';
import { GatewayOptions } from './gateway-options.js';
import { buildHttpApp } from './http-app.js';
import { IDEMPOTENCY_WINDOW_MS, idempotencyStore } from './idempotency.js';
import { cachedInventory } from './inventory/cached-inventory.js';
import { inventorySourceOf } from './inventory/inventory-source.js';
import { principalMinter } from './principal-minter.js';
import { rateLimiter } from './rate-limit.js';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

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
    const issues = schemaIssues(parsed.error, ['gateway']);
    throw new OoError('OO_ERR_CONFIG_INVALID', `invalid gateway options: ${issuesText(issues)}`, {
      details: { issues },
    });
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
      const inventory = o.inventory
        ? cachedInventory(inventorySourceOf(o.inventory), o.inventory.cacheMs, env.clock.now)
        : undefined;
      const deps: GatewayDeps = {
        readModel: o.readModel,
        auditLog: auditWriter((entries) => o.readModel.recordAudits(entries)),
        outputs: outputValues(await env.objects(ObjectStoreNames.outputs), (ref, found) =>
          log.warn({ object: ref.name, found }, 'output object gone or replaced'),
        ),
        publish: env.publish,
        mint: principalMinter(principalTokens(secret), {
          ttlSeconds: env.config.auth.principalTtlSeconds,
          now: env.clock.now,
        }),
        tracer: env.tracer,
        log,
        auth: apiAuth({ readModel: o.readModel, log, cacheMs: o.tokenCacheMs, now: env.clock.now }),
        limiter: rateLimiter(o.rateLimitPerMinute, env.clock.now),
        authFailures: authFailures(o.authFailuresPerMinute, env.clock.now),
        idempotency: idempotencyStore(o.readModel, env.clock.now),
        hub: eventHub(env, log),
        streams,
        presence: () => readPresence(presence, env.clock.now()),
        deadLetters: (query) => env.deadLetters(query),
        replayDeadLetter: (seq) => env.replayDeadLetter(seq),
        discardDeadLetter: (seq) => env.discardDeadLetter(seq),
        // A KV read is a request to the server: it answers only while NATS is connected.
        natsReady: async () => {
          await presence.get('gateway-readyz');
        },
        templates: o.templates ?? (async () => []),
        catalog: o.catalog ?? [],
        inventory,
        resourceTypes: o.resourceTypes,
        links: linksFor(o.publicUrl),
        traceLink: (traceId) => o.traceUrl?.replaceAll('{traceId}', encodeURIComponent(traceId)),
        bodyLimitBytes: o.bodyLimitBytes,
        rerunnable: (endedAt) => Date.parse(endedAt) > env.clock.now() - o.keepEndedRequestsMs,
        heartbeatMs: o.heartbeatMs,
        followGraceMs: o.followGraceMs,
      };
      if (o.trustProxy === true) {
        log.warn(
          'gateway.trustProxy is true: any client can name its own address in X-Forwarded-For and so escape the failed-authentication limit; list the proxies instead',
        );
      }
      const app = await buildHttpApp(deps, {
        publicUrl: o.publicUrl,
        requestTimeoutMs: o.requestTimeoutMs,
        trustProxy: o.trustProxy,
      });
      const url = await listenNamingKeys(
        app,
        { host: o.host, port: o.port },
        'the gateway',
        'gateway.host, gateway.port / OO_GATEWAY_PORT',
      ).catch(async (err: unknown) => {
        await inventory?.close();
        throw err;
      });
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
          await inventory?.close();
        },
      };
    },
  });
}
