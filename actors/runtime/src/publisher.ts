/**
 * Typed publishing: the body is validated against its subject's schema, the trace context and the
 * OO id headers are written, and `Nats-Msg-Id` is set when the caller gives a business key.
 */

import { PubHeaders } from '@nats-io/jetstream';
import {
  type BodyOf,
  Headers,
  isPattern,
  issuesText,
  OoError,
  type Subject,
  schemaHeader,
  schemaIssues,
} from '@oo/contracts';
import { type Context, ROOT_CONTEXT, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import type { JetStreamAck, JetStreamPublish } from './jetstream-publish.js';
import { OutgoingHeaders } from './outgoing-headers.js';
import { injectTrace } from './tracing.js';

/** The ids that travel with a message in headers. */
export interface MessageIds {
  traceId?: string | undefined;
  requestId?: string | undefined;
  runId?: string | undefined;
  taskId?: string | undefined;
}

export interface PublishOptions {
  /** Business key for de-duplication (e.g. `runId.taskId.attempt`); repeats inside the window are dropped. */
  msgId?: string;
  /** Ids to carry; inside a handler they default to the delivery's. */
  ids?: MessageIds;
  /** Caller identity token for the `oo-principal` header; inside a handler it defaults to the delivery's. */
  principal?: string;
  /** Parent span to propagate; without one (and outside a handler) a root producer span is made. */
  span?: Span;
  /** Parent context when there is no span object at hand. */
  context?: Context;
  /** Publish only if the last message on this subject has this stream sequence (compare-and-set). */
  expectLastSubjectSequence?: number;
}

export interface PublishResult {
  seq: number;
  duplicate: boolean;
  traceId: string;
}

export type Publish = <S extends Subject>(
  subject: S,
  body: BodyOf<S>,
  options?: PublishOptions,
) => Promise<PublishResult>;

export function validateBody<S extends Subject>(subject: S, body: unknown): unknown {
  const parsed = subject.schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = schemaIssues(parsed.error);
  throw new OoError('OO_ERR_MSG_SCHEMA', `body for ${subject.name} is invalid: ${issuesText(issues)}`, {
    details: { subject: subject.name, issues },
  });
}

/** Adds the id headers to new headers: `traceId` as resolved, the others as `ids` gives them. */
export function setIdHeaders(h: OutgoingHeaders, ids: MessageIds | undefined, traceId: string): void {
  h.put(Headers.traceId, traceId);
  if (ids?.requestId) h.put(Headers.requestId, ids.requestId);
  if (ids?.runId) h.put(Headers.runId, ids.runId);
  if (ids?.taskId) h.put(Headers.taskId, ids.taskId);
}

export function createPublisher(jsPublish: JetStreamPublish, tracer: Tracer, sender: string): Publish {
  return async (subject, body, options = {}) => {
    if (isPattern(subject.name)) {
      throw new OoError('OO_ERR_MSG_SCHEMA', `cannot publish to the pattern ${subject.name}`);
    }
    const valid = validateBody(subject, body);
    const h = new OutgoingHeaders();
    h.put(Headers.schema, schemaHeader(subject.name, subject.version));
    h.put(Headers.sender, sender);
    if (options.principal) h.put(Headers.principal, options.principal);
    let span = options.span;
    let own: Span | undefined;
    if (!span) {
      own = tracer.startSpan(
        `${subject.name} publish`,
        {
          kind: SpanKind.PRODUCER,
          attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject.name },
        },
        options.context ?? ROOT_CONTEXT,
      );
      span = own;
    }
    injectTrace(span, h);
    const traceId = options.ids?.traceId || span.spanContext().traceId;
    setIdHeaders(h, options.ids, traceId);
    if (options.msgId) h.put(Headers.msgId, options.msgId);
    if (options.expectLastSubjectSequence !== undefined) {
      h.put(PubHeaders.ExpectedLastSubjectSequenceHdr, String(options.expectLastSubjectSequence));
    }
    let ack: JetStreamAck;
    try {
      // Buffer.from, not TextEncoder: pooled, about 3x faster for small strings on Node 20.
      ack = await jsPublish(subject.name, Buffer.from(JSON.stringify(valid)), h);
    } finally {
      own?.end();
    }
    return { seq: ack.seq, duplicate: ack.duplicate, traceId };
  };
}

export { trace };
