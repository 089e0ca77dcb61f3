/**
 * The ActorContext of one delivery. A class rather than an object of closures: a delivery is the
 * hot path, and prototype methods cost nothing per message.
 */

import type { JsMsg } from '@nats-io/jetstream';
import { type BodyOf, Headers, OoError, type Subject } from '@oo/contracts';
import type { Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ActorContext, Again } from './actor-context.js';
import type { Clock } from './clock.js';
import type { HeaderValues } from './delivery-headers.js';
import type { Publish, PublishOptions, PublishResult } from './publisher.js';

export interface DeliveryScope {
  readonly actor: string;
  readonly instance: string;
  readonly log: Logger;
  readonly clock: Clock;
  readonly publish: Publish;
  readonly signal: AbortSignal;
}

/** JetStream's store time of the message, in ms. */
function storedAtMs(msg: JsMsg): number {
  return Number(msg.info.timestampNanos) / 1_000_000;
}

export class DeliveryContext implements ActorContext {
  readonly actor: string;
  readonly instance: string;
  readonly subject: string;
  readonly attempt: number;
  readonly streamSeq: number;
  readonly traceId: string;
  readonly requestId: string | undefined;
  readonly runId: string | undefined;
  readonly taskId: string | undefined;
  readonly principal: string | undefined;
  readonly span: Span;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly #msg: JsMsg;
  readonly #scope: DeliveryScope;
  readonly #headerValues: HeaderValues;
  #headers: Record<string, string> | undefined;
  #log: Logger | undefined;

  constructor(msg: JsMsg, headers: HeaderValues, span: Span, scope: DeliveryScope) {
    this.#msg = msg;
    this.#headerValues = headers;
    this.#scope = scope;
    this.actor = scope.actor;
    this.instance = scope.instance;
    this.subject = msg.subject;
    this.attempt = msg.info.deliveryCount;
    this.streamSeq = msg.info.streamSequence;
    this.span = span;
    this.traceId = span.spanContext().traceId;
    this.requestId = headers.get(Headers.requestId);
    this.runId = headers.get(Headers.runId);
    this.taskId = headers.get(Headers.taskId);
    this.principal = headers.get(Headers.principal);
    this.signal = scope.signal;
    this.clock = scope.clock;
  }

  get publishedAt(): string {
    return new Date(Math.floor(storedAtMs(this.#msg))).toISOString();
  }

  get headers(): Readonly<Record<string, string>> {
    this.#headers ??= Object.fromEntries(this.#headerValues);
    return this.#headers;
  }

  get log(): Logger {
    this.#log ??= this.#scope.log.child({
      subject: this.subject,
      attempt: this.attempt,
      trace_id: this.traceId,
      span_id: this.span.spanContext().spanId,
      ...(this.requestId ? { request_id: this.requestId } : {}),
      ...(this.runId ? { run_id: this.runId } : {}),
      ...(this.taskId ? { task_id: this.taskId } : {}),
    });
    return this.#log;
  }

  publish<S extends Subject>(
    subject: S,
    body: BodyOf<S>,
    options: PublishOptions = {},
  ): Promise<PublishResult> {
    const principal = options.principal ?? this.principal;
    return this.#scope.publish(subject, body, {
      span: this.span,
      ...options,
      ids: {
        traceId: this.traceId,
        requestId: this.requestId,
        runId: this.runId,
        taskId: this.taskId,
        ...options.ids,
      },
      ...(principal ? { principal } : {}),
    });
  }

  again(delayMs: number): Again {
    // NaN would nak for an immediate redelivery (a hot loop) and Infinity a delay JetStream cannot
    // read; either, stored as a task's next look, is null in JSON and breaks its state for good.
    if (!Number.isFinite(delayMs)) {
      throw new OoError('OO_ERR_HANDLER_FAILED', `ctx.again needs a finite delay in ms, got ${delayMs}`);
    }
    return { again: true, delayMs: Math.max(0, Math.round(delayMs)) };
  }
}
