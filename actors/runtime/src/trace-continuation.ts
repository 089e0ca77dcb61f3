/**
 * Continuing an earlier trace: work that belongs to a request started long ago (a rerun, a cancel)
 * publishes under a span in that request's trace id, so the whole history of the request stays one
 * trace. The span that caused the work is attached as a link, so neither trace loses the other.
 *
 * ```ts
 * const span = startSpanInTrace(env.tracer, original.traceId, 'request rerun', { link: ctx.span });
 * try { await ctx.publish(EngineSubjects.start, start, { span, ids: { traceId: original.traceId } }); }
 * finally { span.end(); }
 * ```
 */

import { OoError } from '@oo/contracts';
import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';

const TRACE_ID = /^[0-9a-f]{32}$/;
const INVALID_TRACE_ID = '0'.repeat(32);

/**
 * A parent context in the trace `traceId`, as a remote span (the original span is long gone, so a
 * random span id stands in for it).
 * @throws OoError OO_ERR_MSG_SCHEMA when `traceId` is not 32 lower-case hex digits (or all zeros)
 */
export function contextInTrace(traceId: string): Context {
  if (!TRACE_ID.test(traceId) || traceId === INVALID_TRACE_ID) {
    throw new OoError('OO_ERR_MSG_SCHEMA', `"${traceId}" is not a W3C trace id (32 lower-case hex digits)`);
  }
  const spanId = Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex');
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/**
 * Starts a span in the trace `traceId`; pass it as `span` to `publish` and end it after. `link`
 * (usually the delivery's span) is recorded as a link. The caller ends the span.
 * @throws OoError OO_ERR_MSG_SCHEMA when `traceId` is not a valid W3C trace id
 */
export function startSpanInTrace(
  tracer: Tracer,
  traceId: string,
  name: string,
  options: { link?: Span; attributes?: Attributes } = {},
): Span {
  return tracer.startSpan(
    name,
    {
      kind: SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(options.link ? { links: [{ context: options.link.spanContext() }] } : {}),
    },
    contextInTrace(traceId),
  );
}
