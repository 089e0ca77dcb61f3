/**
 * `ctx.http`: fetch (undici's, built into Node) with a client span per call carrying method, URL
 * and status, the trace context propagated in `traceparent`, the task's signal, and a per-call
 * timeout. It never logs or records header values or bodies, and drops the query string and user
 * info from the URL it records, since those often carry tokens.
 */
import { OoError } from '@oo/contracts';
import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Logger } from 'pino';

export interface TaskHttpInit extends Omit<RequestInit, 'signal' | 'headers'> {
  headers?: Record<string, string>;
  /**
   * The whole call, reading the body included, must end within this (ms, default 30 s): past it the
   * call fails with OO_ERR_TIMEOUT (retryable), or reading the body rejects with a TimeoutError.
   */
  timeoutMs?: number;
}

export interface TaskHttp {
  /**
   * One HTTP call; resolves with the response once its headers arrive (read the body from it; the
   * span covers the call up to the headers).
   * Throws OO_ERR_WORKFLOW_HTTP_UNREACHABLE (retryable) when no response comes, OO_ERR_TIMEOUT past
   * `timeoutMs`, and the task signal's reason when the task is cancelled or timed out.
   */
  fetch(url: string | URL, init?: TaskHttpInit): Promise<Response>;
}

const propagator = new W3CTraceContextPropagator();
const DEFAULT_TIMEOUT_MS = 30_000;

/** `scheme://host[:port]/path`: no user info, no query, no fragment. */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/**
 * fetch refuses to build a request (a header name or value it does not take, a body on a GET) with
 * a TypeError that has no cause and quotes the offending value, often a secret (a token with a
 * line break in it); a request it sent and got no answer to fails with a cause.
 */
function notMade(err: unknown): boolean {
  return err instanceof TypeError && (err as { cause?: unknown }).cause === undefined;
}

export function taskHttp(deps: {
  tracer: Tracer;
  span: Span;
  /** The task's signal, read when a call is made. */
  signalOf: () => AbortSignal;
  log: Logger;
}): TaskHttp {
  return {
    async fetch(input, init = {}) {
      const url = new URL(input);
      const method = (init.method ?? 'GET').toUpperCase();
      const shown = redactUrl(url);
      const span = deps.tracer.startSpan(
        `HTTP ${method}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'http.request.method': method,
            'url.full': shown,
            'server.address': url.hostname,
            ...(url.port ? { 'server.port': Number(url.port) } : {}),
          },
        },
        trace.setSpan(ROOT_CONTEXT, deps.span),
      );
      const headers: Record<string, string> = { ...init.headers };
      propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, {
        set: (carrier, key, value) => {
          carrier[key] = value;
        },
      });
      const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const timeout = AbortSignal.timeout(timeoutMs);
      const started = performance.now();
      try {
        const { timeoutMs: _t, ...rest } = init;
        const response = await fetch(url, {
          ...rest,
          method,
          headers,
          signal: AbortSignal.any([deps.signalOf(), timeout]),
        });
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 400)
          span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${response.status}` });
        deps.log.debug(
          {
            method,
            url: shown,
            status: response.status,
            durationMs: Math.round(performance.now() - started),
          },
          'http call',
        );
        return response;
      } catch (err) {
        const signal = deps.signalOf();
        const unsent = !signal.aborted && !timeout.aborted && notMade(err);
        const error = signal.aborted
          ? signal.reason
          : timeout.aborted
            ? new OoError('OO_ERR_TIMEOUT', `${method} ${shown}: no response within ${timeoutMs} ms`)
            : unsent
              ? // Never quote fetch's message here: it holds the refused value. Retrying will not mend it.
                new OoError(
                  'OO_ERR_WORKFLOW_HTTP_UNREACHABLE',
                  `${method} ${shown}: not sent, fetch refused the request (a header name or value with characters HTTP does not allow, or a body on GET/HEAD); values are not shown`,
                  { retryable: false },
                )
              : new OoError('OO_ERR_WORKFLOW_HTTP_UNREACHABLE', `${method} ${shown}: ${causeOf(err)}`, {
                  cause: err,
                });
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        deps.log.debug(
          { method, url: shown, err: unsent ? 'request refused' : causeOf(err) },
          'http call failed',
        );
        throw error;
      } finally {
        span.end();
      }
    },
  };
}
