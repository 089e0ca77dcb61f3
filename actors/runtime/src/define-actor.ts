/**
 * Declaring an actor: a name, a version, and the subjects it consumes with a handler each. Handlers
 * that need resources (a KV bucket, an HTTP server) come from `setup`, which runs once per instance.
 *
 * ```ts
 * export const greeter = defineActor({
 *   name: 'greeter',
 *   version: '1.0.0',
 *   handlers: [on(Subjects.greet, async (ctx, body) => { await ctx.publish(Subjects.greeted, { to: body.name }); })],
 * });
 * ```
 */
import type { ErrorData, ParsedBodyOf, Subject } from '@oo/contracts';
import type { ActorContext, HandlerResult } from './actor-context.js';
import type { ActorEnv } from './actor-env.js';
import type { RetryPolicy } from './retry-policy.js';

export type Handler<S extends Subject> = (ctx: ActorContext, body: ParsedBodyOf<S>) => Promise<HandlerResult>;

export interface HandlerOptions {
  /** Deliveries of this handler running at once in one instance (default 32). */
  concurrency?: number;
  /** How retryable failures are retried (default DEFAULT_RETRY). */
  retry?: RetryPolicy;
  /**
   * Deliveries after which a message is dead-lettered before the handler even runs — the guard
   * against a message that crashes the process every time (default: retry.maxAttempts + 5).
   * Handlers that answer `ctx.again` many times raise it.
   */
  maxDeliveries?: number;
  /** The server redelivers a message not acked within this (ms, default 30 s); long handlers are kept alive. */
  ackWaitMs?: number;
  /** Unacked messages the server lets this consumer hold, parked `again` waits included (default 10,000). */
  maxAckPending?: number;
  /** Where a new durable starts: every retained message (`all`, default) or only new ones. */
  deliverPolicy?: 'all' | 'new';
  /**
   * Called when a delivery is refused for its body — not JSON (`OO_ERR_MSG_INVALID_JSON`) or not
   * its schema (`OO_ERR_MSG_SCHEMA`, the issues in `error.details.issues`) — before it is
   * dead-lettered, so the handler's sender can be told in its own terms. Not called for a newer
   * schema version or past `maxDeliveries`. The message is dead-lettered whatever the hook does:
   * a throw is logged, never retried. It may run again for one message (a redelivery after the
   * dead letter could not be published), so it must be idempotent.
   */
  onRefused?: RefusedHook;
}

/** See `HandlerOptions.onRefused`. */
export type RefusedHook = (ctx: ActorContext, error: ErrorData) => Promise<void>;

export interface HandlerDef<S extends Subject = Subject> {
  readonly subject: S;
  readonly handle: Handler<S>;
  readonly options: HandlerOptions;
}

/** Binds a handler to a subject; the handler's body type is the subject's schema output. */
export function on<S extends Subject>(
  subject: S,
  handle: Handler<S>,
  options: HandlerOptions = {},
): HandlerDef<S> {
  return { subject, handle, options };
}

/** `next` continues to the next interceptor or the handler. */
export type Interceptor = (
  ctx: ActorContext,
  body: unknown,
  next: () => Promise<HandlerResult>,
) => Promise<HandlerResult>;

export interface ActorSetup {
  readonly handlers?: readonly HandlerDef[];
  /** Called on stop after consumers drained (close servers, flush). */
  readonly stop?: () => Promise<void>;
}

export interface ActorDefinition {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  /** Handlers that need nothing but the context. */
  readonly handlers?: readonly HandlerDef[];
  /** Runs once per instance before consuming; returns more handlers and a stop hook. */
  readonly setup?: (env: ActorEnv) => Promise<ActorSetup>;
  /** Wrap every handler of this actor, outermost first. */
  readonly interceptors?: readonly Interceptor[];
}

const NAME = /^[a-z][a-z0-9-]*$/;

export function defineActor<const D extends ActorDefinition>(definition: D): D {
  if (!NAME.test(definition.name)) {
    throw new Error(`actor name "${definition.name}" must be lower-case letters, digits and dashes`);
  }
  return Object.freeze(definition);
}
