/**
 * One span per API call, the root of its own trace: a submit's trace id is the request's trace id
 * for its whole life, so it must not be borrowed from a caller's `traceparent` (two requests would
 * share a trace). A caller's valid `traceparent` is kept as a link instead, so neither trace loses
 * the other.
 */
import { randomBytes } from 'node:crypto';
import { type ActorEnv, contextInTrace } from '@oo/runtime';

type Tracer = ActorEnv['tracer'];
export type Span = ReturnType<Tracer['startSpan']>;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE_ID = '0'.repeat(32);
// OpenTelemetry enum values, spelled out: the API package is the runtime's dependency, not ours.
const SPAN_KIND_SERVER = 1;
const SPAN_STATUS_ERROR = 2;

function randomTraceId(): string {
  for (;;) {
    const id = randomBytes(16).toString('hex');
    if (id !== INVALID_TRACE_ID) return id;
  }
}

function linkFrom(traceparent: string | string[] | undefined) {
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent) : null;
  if (!match || match[1] === INVALID_TRACE_ID) return [];
  return [{ context: { traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16) } }];
}

/**
 * Starts the span of one HTTP call. Without an OpenTelemetry SDK the tracer only makes invalid
 * (all-zero) ids; then the span is made in a fresh random trace, so trace ids stay real.
 */
export function startHttpSpan(
  tracer: Tracer,
  name: string,
  traceparent: string | string[] | undefined,
): Span {
  const options = { kind: SPAN_KIND_SERVER, root: true, links: linkFrom(traceparent) };
  const span = tracer.startSpan(name, options);
  if (span.spanContext().traceId !== INVALID_TRACE_ID) return span;
  span.end();
  return tracer.startSpan(name, { ...options, root: false }, contextInTrace(randomTraceId()));
}

/** Ends the span with the HTTP status; 5xx marks it failed. */
export function endHttpSpan(span: Span, status: number, error?: unknown): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SPAN_STATUS_ERROR });
  }
  span.end();
}
