/**
 * HTTP to TFE on undici. API calls carry the bearer token and JSON:API headers; pre-signed URLs
 * (configuration upload, log read) carry no Authorization — the URL is the credential — and the
 * token is never sent to their host. GETs are retried per `GetRetryPolicy`; nothing else is.
 */
import { OoError } from '@oo/contracts';
import { Agent, type Dispatcher, request } from 'undici';
import { backoffDelay, cancelled, type GetRetryPolicy, pause, rateLimitResetMs } from './retry.js';
import {
  badResponse,
  type CallDescription,
  errorForNetwork,
  errorForStatus,
  isAbort,
  isTransient,
  redact,
} from './tfe-errors.js';

export const JSON_API = 'application/vnd.api+json';
const API_PREFIX = '/api/v2';

export interface RetryEvent {
  readonly method: string;
  /** API path, or the origin of a pre-signed URL. */
  readonly target: string;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly code: string;
}

export interface TransportOptions {
  /** TFE origin, e.g. `https://app.terraform.io`; a trailing `/api/v2` is accepted. */
  readonly baseUrl: string;
  readonly token: string;
  readonly retry: GetRetryPolicy;
  /** Per attempt, for the headers and again for the body (ms). */
  readonly requestTimeoutMs: number;
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface ApiCall {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under `/api/v2`, starting with `/`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
  /** Values to keep out of error text (sensitive variable values). */
  readonly secrets?: readonly string[];
}

export interface Transport {
  /** The parsed JSON body, or undefined for an empty 2xx answer. Throws OoError otherwise. */
  api(call: ApiCall): Promise<unknown>;
  /** GET a pre-signed URL without auth (retried like any GET); the raw bytes. */
  readForeign(url: string, signal?: AbortSignal): Promise<Buffer>;
  /** PUT bytes to a pre-signed URL without auth; never retried (the URL is single-use). */
  putForeign(url: string, body: Uint8Array, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export function createTransport(options: TransportOptions): Transport {
  const origin = options.baseUrl.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
  const agent = new Agent({ connections: 16 });
  const timeouts = { headersTimeout: options.requestTimeoutMs, bodyTimeout: options.requestTimeoutMs };

  const send = async (
    call: CallDescription,
    url: string,
    init: Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { signal?: AbortSignal | undefined },
  ): Promise<Answer> => {
    try {
      const res = await request(url, { ...init, dispatcher: agent, ...timeouts });
      const body = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: res.headers, body };
    } catch (error) {
      if (isAbort(error)) throw cancelled(error);
      throw errorForNetwork(call, error);
    }
  };

  /** One attempt, or several for GET; a non-2xx answer becomes an OoError. */
  const exchange = async (
    call: CallDescription,
    url: string,
    init: Parameters<typeof send>[2],
    signal: AbortSignal | undefined,
  ): Promise<Answer> => {
    for (let attempt = 1; ; attempt++) {
      let failure: OoError;
      try {
        const answer = await send(call, url, init);
        if (answer.status < 300) return answer;
        failure = errorForStatus(
          call,
          answer.status,
          parseJson(answer.body),
          answer.status === 429 ? rateLimitResetMs(answer.headers['x-ratelimit-reset']) : undefined,
        );
      } catch (error) {
        if (!(error instanceof OoError) || error.code === 'OO_ERR_CANCELLED') throw error;
        failure = error;
      }
      if (call.method !== 'GET' || !isTransient(failure) || attempt >= options.retry.maxAttempts)
        throw failure;
      const rateLimited = failure.code === 'OO_ERR_TFE_RATE_LIMITED';
      const delayMs =
        rateLimited && failure.retryAfterMs !== undefined
          ? failure.retryAfterMs
          : backoffDelay(options.retry, attempt);
      if (delayMs > options.retry.maxRateLimitWaitMs) throw failure;
      options.onRetry?.({ method: call.method, target: call.target, attempt, delayMs, code: failure.code });
      await pause(delayMs, signal);
    }
  };

  return {
    async api(call) {
      const url = new URL(`${origin}${API_PREFIX}${call.path}`);
      for (const [key, value] of Object.entries(call.query ?? {})) {
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
      const description: CallDescription = {
        method: call.method,
        target: `${API_PREFIX}${call.path}`,
        secrets: [options.token, ...(call.secrets ?? [])],
      };
      const headers: Record<string, string> = {
        authorization: `Bearer ${options.token}`,
        accept: JSON_API,
        'user-agent': 'oo-terraform',
      };
      if (call.body !== undefined) headers['content-type'] = JSON_API;
      const answer = await exchange(
        description,
        url.toString(),
        {
          method: call.method,
          headers,
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
          signal: call.signal,
        },
        call.signal,
      );
      if (answer.body.length === 0) return undefined;
      const parsed = parseJson(answer.body);
      if (parsed === undefined)
        throw badResponse(description, `answered ${answer.status} with a non-JSON body`);
      return parsed;
    },

    async readForeign(url, signal) {
      const call: CallDescription = { method: 'GET', target: originOf(url), secrets: [options.token] };
      const answer = await exchange(
        call,
        url,
        { method: 'GET', headers: { 'user-agent': 'oo-terraform' }, signal },
        signal,
      );
      return answer.body;
    },

    async putForeign(url, body, signal) {
      const call: CallDescription = { method: 'PUT', target: originOf(url), secrets: [options.token] };
      let answer: Answer;
      try {
        answer = await send(call, url, {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream', 'user-agent': 'oo-terraform' },
          body,
          signal,
        });
      } catch (error) {
        if (!(error instanceof OoError) || error.code === 'OO_ERR_CANCELLED') throw error;
        throw uploadFailed(call, error.message, true, error);
      }
      if (answer.status >= 300) {
        const text = redact(answer.body.toString('utf8').slice(0, 300), call.secrets).trim();
        throw uploadFailed(call, `answered ${answer.status}${text ? `: ${text}` : ''}`, answer.status >= 500);
      }
    },

    close: () => agent.close(),
  };
}

function uploadFailed(call: CallDescription, why: string, retryable: boolean, cause?: unknown): OoError {
  return new OoError('OO_ERR_TFE_UPLOAD_FAILED', `configuration upload to ${call.target} failed: ${why}`, {
    retryable,
    details: { host: call.target },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Scheme and host of a pre-signed URL: its path and query are the secret. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
