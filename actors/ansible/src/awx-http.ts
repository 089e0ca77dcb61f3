/**
 * The AWX transport on one undici Pool: bearer auth, API-root-relative paths that always end in `/`
 * (AWX 301s the others, and a redirected POST loses its body), origin-relative pagination links,
 * and retries with exponential backoff for idempotent requests only. A request that is not
 * idempotent (a launch) is sent exactly once, whatever happens.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { OoError } from '@oo/contracts';
import { Pool } from 'undici';
import { badResponse, errorForNetwork, errorForStatus, type RequestLabel } from './awx-errors.js';

export interface AwxRetryOptions {
  /** Attempts in all for idempotent requests, the first included (default 4). */
  maxAttempts?: number;
  /** Delay before the 2nd attempt; doubles each time (ms, default 250). */
  baseDelayMs?: number;
  /** Ceiling of one delay, also for a server's Retry-After (ms, default 5,000). */
  maxDelayMs?: number;
}

/** The pino-compatible subset the client logs with. */
export interface AwxLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
}

export interface AwxHttpOptions {
  /** Origin of AWX, e.g. `https://awx.example.com` (a path is kept as a proxy prefix). */
  baseUrl: string;
  token: string;
  /** `/api/v2/` (default) or `/api/controller/v2/` behind the AAP 2.5 gateway. */
  apiPath?: string;
  retry?: AwxRetryOptions;
  /** Time to wait for response headers, and between body chunks (ms, default 30,000). */
  timeoutMs?: number;
  /** Connections kept to AWX (default 8). */
  connections?: number;
  log?: AwxLogger;
}

export interface AwxHttpRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Below the API root (`jobs/7/`), or an origin-relative link AWX gave (`/api/v2/jobs/?page=2`). */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Retried on 5xx / 429 / network errors; default true for GET only. */
  idempotent?: boolean;
  /** Statuses returned to the caller instead of thrown (besides 2xx). */
  accept?: readonly number[];
  signal?: AbortSignal;
}

/** What every client call accepts. */
export interface CallOptions {
  /** Aborts the call (and its retry waits) with OO_ERR_CANCELLED. */
  signal?: AbortSignal;
}

/** `{ signal }` when there is one, for spreading into request options. */
export const signalOf = (options: CallOptions): { signal?: AbortSignal } =>
  options.signal === undefined ? {} : { signal: options.signal };

export interface AwxHttpResponse {
  status: number;
  text: string;
  contentType: string;
}

export type AwxHttp = ReturnType<typeof createAwxHttp>;

const SILENT: AwxLogger = { warn: () => {}, debug: () => {} };

export function createAwxHttp(options: AwxHttpOptions) {
  const base = parseBaseUrl(options.baseUrl);
  if (!/^[\x21-\x7e]+$/.test(options.token)) {
    throw new OoError('OO_ERR_CONFIG_INVALID', 'AWX token is empty or contains spaces or control characters');
  }
  const root = `${base.pathname.replace(/\/+$/, '')}${normaliseApiPath(options.apiPath ?? '/api/v2/')}`;
  const retry = {
    maxAttempts: Math.max(1, options.retry?.maxAttempts ?? 4),
    baseDelayMs: options.retry?.baseDelayMs ?? 250,
    maxDelayMs: options.retry?.maxDelayMs ?? 5_000,
  };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const log = options.log ?? SILENT;
  const pool = new Pool(base.origin, { connections: options.connections ?? 8 });
  const headers = {
    authorization: `Bearer ${options.token}`,
    accept: 'application/json',
    'user-agent': 'oo-ansible/0.1',
  };

  function target(req: AwxHttpRequest): string {
    const path = req.path.startsWith('/') ? req.path : `${root}${req.path}`;
    const q = path.indexOf('?');
    const pathname = q < 0 ? path : path.slice(0, q);
    if (!pathname.endsWith('/')) throw new Error(`AWX path must end with "/": ${pathname}`);
    const params = new URLSearchParams(q < 0 ? '' : path.slice(q + 1));
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const query = params.toString();
    return query === '' ? pathname : `${pathname}?${query}`;
  }

  async function once(req: AwxHttpRequest, path: string): Promise<AwxHttpResponse> {
    const label: RequestLabel = { method: req.method, path };
    let res: Awaited<ReturnType<Pool['request']>>;
    try {
      res = await pool.request({
        method: req.method,
        path,
        headers: req.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(req.signal === undefined ? {} : { signal: req.signal }),
      });
    } catch (error) {
      throw req.signal?.aborted ? cancelled(label) : errorForNetwork(label, error);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (error) {
      throw req.signal?.aborted ? cancelled(label) : errorForNetwork(label, error);
    }
    const contentType = String(res.headers['content-type'] ?? '');
    if ((res.statusCode >= 200 && res.statusCode < 300) || req.accept?.includes(res.statusCode)) {
      return { status: res.statusCode, text, contentType };
    }
    throw errorForStatus(label, res.statusCode, text, retryAfter(res.headers['retry-after']));
  }

  /**
   * Sends a request; retries idempotent ones on retryable failures (bounded, exponential backoff).
   * Throws an OoError: the last failure, or OO_ERR_CANCELLED when `signal` aborts.
   */
  async function send(req: AwxHttpRequest): Promise<AwxHttpResponse> {
    const path = target(req);
    const idempotent = req.idempotent ?? req.method === 'GET';
    const attempts = idempotent ? retry.maxAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(req, path);
      } catch (error) {
        if (!(error instanceof OoError) || !error.retryable || attempt >= attempts) throw error;
        const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
        const delay = Math.min(retry.maxDelayMs, Math.max(backoff, error.retryAfterMs ?? 0));
        log.warn(
          { method: req.method, path, attempt, delayMs: delay, code: error.code },
          'AWX request failed; retrying',
        );
        try {
          await sleep(delay, undefined, req.signal === undefined ? {} : { signal: req.signal });
        } catch {
          throw cancelled({ method: req.method, path });
        }
      }
    }
  }

  /** `send`, then parse the JSON answer. */
  async function json(req: AwxHttpRequest): Promise<unknown> {
    const res = await send(req);
    try {
      return JSON.parse(res.text);
    } catch (error) {
      throw badResponse({ method: req.method, path: target(req) }, `non-JSON (${res.contentType})`, error);
    }
  }

  return {
    /** The API root path, e.g. `/api/v2/`. */
    root,
    send,
    json,
    /** An AWX link (relative, or absolute on the same origin) as a path `send` accepts. */
    link(href: string): string {
      const url = new URL(href, base.origin);
      if (url.origin !== base.origin) {
        throw badResponse({ method: 'GET', path: href }, `a link to another origin (${url.origin})`);
      }
      return `${url.pathname}${url.search}`;
    },
    close: () => pool.close(),
  };
}

function cancelled(label: RequestLabel): OoError {
  return new OoError('OO_ERR_CANCELLED', `${label.method} ${label.path} was cancelled`);
}

function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OoError('OO_ERR_CONFIG_INVALID', `AWX base URL is not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OoError('OO_ERR_CONFIG_INVALID', `AWX base URL must be http(s): ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new OoError('OO_ERR_CONFIG_INVALID', 'AWX base URL must not carry credentials; use the token');
  }
  return url;
}

function normaliseApiPath(path: string): string {
  const lead = path.startsWith('/') ? path : `/${path}`;
  return lead.endsWith('/') ? lead : `${lead}/`;
}

/** Retry-After in ms (seconds or an HTTP date), or undefined. */
function retryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  if (/^[0-9]+$/.test(value.trim())) return Number(value.trim()) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
