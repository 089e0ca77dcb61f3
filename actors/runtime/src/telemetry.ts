/**
 * The process's OpenTelemetry SDK. Call once per process (`oo up`, `oo actor`); actors receive the
 * tracer it returns. Spans are always recorded (their ids are the requests' trace ids), and exported
 * over OTLP/HTTP only when an endpoint is configured — Jaeger accepts OTLP directly.
 *
 * Exporting runs the full NodeSDK. Without an endpoint the process needs only the tracer provider
 * underneath it (`sdk-trace-node`: context manager, W3C propagator, ids): NodeSDK's module graph
 * (every exporter, gRPC, protobuf) costs ~70 MB of RSS per process, so it is loaded only when used.
 */
import { createRequire } from 'node:module';
import { type Tracer, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

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

const require = createRequire(import.meta.url);

function startExporting(options: TelemetryOptions & { otlpEndpoint: string }): () => Promise<void> {
  // Only a process that exports pays for the exporter stack.
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const url = `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: [
      ...(options.spanProcessors ?? []),
      new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 1_000 }),
    ],
    logRecordProcessors: [],
    instrumentations: [],
    autoDetectResources: false,
  });
  sdk.start();
  return () => sdk.shutdown();
}

export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (options.otlpEndpoint) {
    const shutdown = startExporting({ ...options, otlpEndpoint: options.otlpEndpoint });
    return { tracer: trace.getTracer('oo'), shutdown };
  }
  const processors = options.spanProcessors ?? [];
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    // Without any processor spans would still get ids; the no-op one keeps that explicit.
    spanProcessors: processors.length > 0 ? processors : [new NoopSpanProcessor()],
  });
  provider.register();
  return {
    tracer: trace.getTracer('oo'),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
    },
  };
}
