/** Everything the routes use, built once in the actor's setup and handed to each route plugin. */
import type { Permission, PresenceEntry, Principal } from '@oo/contracts';
import { can, OoError } from '@oo/contracts';
import type { AuditInput, ReadModel } from '@oo/read-model';
import type { ActorEnv, OutputValues, Publish } from '@oo/runtime';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ApiAuth } from './api-auth.js';
import type { AuditWriter } from './audit-writer.js';
import type { AuthFailures } from './auth-failures.js';
import type { EventHub } from './event-hub.js';
import type { Span } from './http-trace.js';
import type { IdempotencyStore } from './idempotency.js';
import type { CachedInventory } from './inventory/cached-inventory.js';
import type { MintPrincipal } from './principal-minter.js';
import type { RateLimiter } from './rate-limit.js';

export interface TemplateInfo {
  readonly name: string;
  readonly version: number;
  readonly description: string;
}

export interface RequestLinks {
  readonly self: string;
  readonly events: string;
  readonly logs: string;
}

/** Where a trace is shown (gateway `traceUrl`, holding `{traceId}`); undefined without one. */
export type TraceLink = (traceId: string) => string | undefined;

/** Open SSE streams, ended when the gateway stops (else closing the server would wait for them). */
export interface OpenStreams {
  add(close: () => void): () => void;
  closeAll(): void;
}

export interface GatewayDeps {
  readonly readModel: ReadModel;
  readonly auditLog: AuditWriter;
  /** The value behind an output kept in the object store (the runtime's output-values.ts). */
  readonly outputs: OutputValues;
  readonly publish: Publish;
  /** A signed principal token for a message published on the caller's behalf. */
  readonly mint: MintPrincipal;
  readonly tracer: ActorEnv['tracer'];
  readonly log: Logger;
  readonly auth: ApiAuth;
  readonly limiter: RateLimiter;
  /** Failed authentications per client address (auth-failures.ts). */
  readonly authFailures: AuthFailures;
  readonly idempotency: IdempotencyStore;
  readonly hub: EventHub;
  readonly streams: OpenStreams;
  readonly presence: () => Promise<PresenceEntry[]>;
  /** What actors could not handle, oldest first (the runtime's dead-letter reader). */
  readonly deadLetters: ActorEnv['deadLetters'];
  readonly replayDeadLetter: ActorEnv['replayDeadLetter'];
  readonly discardDeadLetter: ActorEnv['discardDeadLetter'];
  /** Resolves when NATS answers a request now; rejects otherwise. */
  readonly natsReady: () => Promise<void>;
  /** The templates the engine starts runs of, as they are now (the folder is read again when it changes). */
  readonly templates: () => Promise<readonly TemplateInfo[]>;
  readonly catalog: readonly string[];
  /** The inventory (`gateway.inventory`), cached; undefined when none is configured. */
  readonly inventory: CachedInventory | undefined;
  /** Resource types requests may ask for, managed and unmanaged (`GatewayOptions.resourceTypes`). */
  readonly resourceTypes: Readonly<Record<string, { managed: boolean; unmanaged: boolean }>>;
  readonly links: (requestId: string) => RequestLinks;
  readonly traceLink: TraceLink;
  readonly bodyLimitBytes: number;
  /** Whether a request that ended at `endedAt` (RFC 3339) may still be rerun: its record is kept. */
  readonly rerunnable: (endedAt: string) => boolean;
  /** SSE keep-alive comment interval (ms). */
  readonly heartbeatMs: number;
  /** How long an event stream waits for a request the read model does not know yet (ms). */
  readonly followGraceMs: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set on every /v1 route before its handler runs. */
    caller: Principal | null;
    /** The span of this call (the root of a new trace); null outside /v1. */
    span: Span | null;
    /** The trace id quoted in answers and problems. */
    traceId: string;
  }
}

/** The caller of a /v1 route. */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.caller) throw new OoError('OO_ERR_AUTH_MISSING', 'send Authorization: Bearer <api token>');
  return request.caller;
}

/** The span of a /v1 route. */
export function spanOf(request: FastifyRequest): Span {
  if (!request.span) throw new Error(`no span for ${request.method} ${request.routeOptions.url}`);
  return request.span;
}

const VERBS: Readonly<Record<Permission, string>> = {
  submit: 'submit requests',
  readOwn: 'read requests',
  readAll: 'read',
  rerun: 'rerun requests',
  cancel: 'cancel',
  settleDeadLetters: 'replay or discard dead letters',
  policy: 'read or change the policy',
  tokens: 'manage tokens',
};

/**
 * Reading and cancelling pass `owner`: `readAll` / `cancel` allow any request, owning it allows one's own.
 * @throws OoError OO_ERR_AUTH_FORBIDDEN unless the caller's role has `permission`, or `owner` is
 * the caller (requesters act on their own requests)
 */
export function authorize(caller: Principal, permission: Permission, owner?: string): void {
  if (can(caller.role, permission)) return;
  if (owner !== undefined && caller.sub === owner) return;
  throw new OoError(
    'OO_ERR_AUTH_FORBIDDEN',
    owner === undefined
      ? `${caller.sub} (role ${caller.role}) may not ${VERBS[permission]}`
      : `${caller.sub} (role ${caller.role}) may not ${VERBS[permission]} a request of another user`,
    { retryable: false, details: { permission, role: caller.role } },
  );
}

/** Writes an audit entry; a failure is logged, never answered: the act itself has happened. */
export async function audit(deps: GatewayDeps, entry: AuditInput): Promise<void> {
  try {
    await deps.auditLog.record(entry);
  } catch (err) {
    deps.log.error({ err, action: entry.action, target: entry.target }, 'audit entry not written');
  }
}

export function openStreams(): OpenStreams {
  const open = new Set<() => void>();
  return {
    add(close) {
      open.add(close);
      return () => open.delete(close);
    },
    closeAll() {
      for (const close of [...open]) close();
      open.clear();
    },
  };
}
