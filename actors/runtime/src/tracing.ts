/**
 * W3C trace context in NATS headers, and the process-wide OpenTelemetry SDK.
 *
 * Actors never use the global context manager: the context of a delivery is extracted from its
 * headers and passed explicitly, so nothing depends on AsyncLocalStorage.
 */

import { Headers } from '@oo/contracts';
import {
  type Context,
  context as otelContext,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type TextMapGetter,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { HeaderValues } from './delivery-headers.js';
import type { OutgoingHeaders } from './outgoing-headers.js';

const propagator = new W3CTraceContextPropagator();

const getter: TextMapGetter<HeaderValues> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key),
};

// The publisher's headers are new and the propagator writes each of its keys once.
const setter: TextMapSetter<OutgoingHeaders> = {
  set: (carrier, key, value) => carrier.put(key, value),
};

/** Writes `traceparent` (and `tracestate`) of `span` into the headers. */
export function injectTrace(span: Span, headers: OutgoingHeaders): void {
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, setter);
}

const TRACE_ID = /^[0-9a-f]{32}$/;

function randomSpanId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('hex');
}

/**
 * The parent context of a delivery. With a `traceparent` it is the publisher's span; with only an
 * `oo-trace-id` (a plain NATS client publishing a request) it is a remote parent in that trace, so
 * the spans still join the request's trace; with neither it is the root.
 */
export function extractTrace(headers: HeaderValues): Context {
  if (headers.has(Headers.traceparent)) return propagator.extract(ROOT_CONTEXT, headers, getter);
  const traceId = headers.get(Headers.traceId) ?? '';
  if (!TRACE_ID.test(traceId)) return ROOT_CONTEXT;
  const parent: SpanContext = {
    traceId,
    spanId: randomSpanId(),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  };
  return trace.setSpanContext(ROOT_CONTEXT, parent);
}

export { otelContext };
