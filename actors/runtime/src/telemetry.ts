/**
 * The process's OpenTelemetry SDK. Call once per process (`oo up`, `oo actor`); actors receive the
 * tracer it returns. Spans are always recorded (their ids are the requests' trace ids), and exported
 * over OTLP/HTTP only when an endpoint is configured — Jaeger accepts OTLP directly.
 */
import { type Tracer, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface Telemetry {
  readonly tracer: Tracer;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318 (the exporter appends /v1/traces). */
  otlpEndpoint?: string | undefined;
  /** Extra processors (tests pass an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
}

export function startTelemetry(options: TelemetryOptions): Telemetry {
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 1_000 }));
  }
  // Without any processor the SDK would install no provider and every trace id would be zeros.
  if (processors.length === 0) processors.push(new NoopSpanProcessor());
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: processors,
    logRecordProcessors: [],
    instrumentations: [],
    autoDetectResources: false,
  });
  sdk.start();
  return {
    tracer: trace.getTracer('oo'),
    shutdown: () => sdk.shutdown(),
  };
}
