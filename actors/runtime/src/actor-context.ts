/** What a handler receives with each delivery. */
import type { BodyOf, Subject } from '@oo/contracts';
import type { Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { PublishOptions, PublishResult } from './publisher.js';

/** "Not done yet, deliver again in `delayMs`": parks the message in JetStream, holding no memory. */
export interface Again {
  readonly again: true;
  readonly delayMs: number;
}

export type HandlerResult = undefined | Again;

export function isAgain(result: unknown): result is Again {
  return typeof result === 'object' && result !== null && (result as Again).again === true;
}

export interface ActorContext {
  readonly actor: string;
  readonly instance: string;
  readonly subject: string;
  /**
   * The delivery's number as the server counts it: 1 on first delivery, then every redelivery
   * (failures and `again` alike). Retry limits do not use it (failures are counted on their own,
   * failure-counts.ts). nats-server 2.9 may number a redelivery 1 again after the client that pulled
   * it stopped consuming without closing its connection, so treat 1 as "probably the first", with a
   * fallback, never as proof.
   */
  readonly attempt: number;
  /** The message's sequence in its stream: a total order for projections that must be idempotent. */
  readonly streamSeq: number;
  /** When the message was stored in the stream, RFC 3339 (the publish time, the same on every replay). */
  readonly publishedAt: string;
  readonly traceId: string;
  readonly requestId: string | undefined;
  readonly runId: string | undefined;
  readonly taskId: string | undefined;
  /** The caller's identity token from the `oo-principal` header, unverified at this layer. */
  readonly principal: string | undefined;
  /** All headers of the delivery (first value of each). */
  readonly headers: Readonly<Record<string, string>>;
  /** pino child bound to actor, subject, attempt, trace_id, span_id and the request/run/task ids. */
  readonly log: Logger;
  /** The span of this delivery attempt; make child spans from it. */
  readonly span: Span;
  /** Aborted when the actor stops (after the drain timeout) or the work is cancelled. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** Publishes as a child of this delivery: trace, ids and principal carry over unless overridden. */
  publish<S extends Subject>(subject: S, body: BodyOf<S>, options?: PublishOptions): Promise<PublishResult>;
  /** Returns the result that asks for redelivery after `delayMs`. */
  again(delayMs: number): Again;
}
