/**
 * One call to vCenter's REST API with a per-call timeout, retried on what a retry can heal: a
 * network error, a timeout or a 5xx. Other answers (2xx, 4xx) go back to the caller, who knows what
 * they mean. Errors name the vCenter, the method and the path, never a header: the Basic credential
 * and the session id travel only in headers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { rootCertificates } from 'node:tls';
import { OoError } from '@oo/contracts';
import { Agent, fetch } from 'undici';
import { z } from 'zod';

/** Waits before the 2nd and 3rd attempt; later attempts wait as long as the 3rd. */
const BACKOFF_MS = [100, 300] as const;

export interface VcenterRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Below the origin, e.g. `/api/vcenter/cluster`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface VcenterAnswer {
  readonly status: number;
  /** The parsed JSON body; undefined when empty or not JSON. */
  readonly body: unknown;
}

export interface VcenterHttp {
  /** `vcenter:<origin>`, for `details.source`. */
  readonly source: string;
  /** The origin with any path prefix, e.g. `https://vc.example`. */
  readonly origin: string;
  /**
   * Throws OO_ERR_INVENTORY_UNAVAILABLE (retryable) once `attempts` calls met a network error, a
   * timeout or a 5xx, and `signal.reason` as soon as `signal` aborts.
   */
  call(request: VcenterRequest, signal?: AbortSignal, attempts?: number): Promise<VcenterAnswer>;
  /** Closes the connections kept open to vCenter. */
  close(): Promise<void>;
}

const VapiError = z.looseObject({ error_type: z.string() });

/** vAPI's `error_type` (UNAUTHENTICATED, NOT_FOUND, ...) of an error answer, when it has one. */
export function errorTypeOf(body: unknown): string | undefined {
  const parsed = VapiError.safeParse(body);
  return parsed.success ? parsed.data.error_type : undefined;
}

export function vcenterHttp(options: {
  origin: string;
  timeoutMs: number;
  maxAttempts: number;
  /** A CA certificate (PEM) trusted besides Node's own: vCenter's VMCA root, usually. */
  ca?: string;
}): VcenterHttp {
  const { origin, timeoutMs } = options;
  const source = `vcenter:${origin}`;
  // One pool of connections to vCenter, trusting its CA too when given (`ca` replaces the defaults);
  // made again after close, so a closed client still works (it logs in afresh).
  const tls = options.ca === undefined ? {} : { connect: { ca: [...rootCertificates, options.ca] } };
  let agent: Agent | undefined;
  const pool = (): Agent => {
    agent ??= new Agent(tls);
    return agent;
  };

  async function once(request: VcenterRequest, signal: AbortSignal | undefined): Promise<VcenterAnswer> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const both = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const what = `${request.method} ${request.path}`;
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${origin}${request.path}`, {
        method: request.method,
        headers: { accept: 'application/json', ...request.headers },
        signal: both,
        dispatcher: pool(),
      });
      status = res.status;
      text = await res.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const reason = timeout.aborted
        ? `did not answer ${what} within ${timeoutMs} ms`
        : `could not be reached for ${what}: ${networkReason(error)}`;
      throw new OoError('OO_ERR_INVENTORY_UNAVAILABLE', `vCenter ${origin} ${reason}`, {
        retryable: true,
        details: { source },
        cause: error,
      });
    }
    const body = parseJson(text);
    if (status >= 500) {
      const errorType = errorTypeOf(body);
      const named = errorType === undefined ? '' : ` ${errorType}`;
      throw new OoError(
        'OO_ERR_INVENTORY_UNAVAILABLE',
        `vCenter ${origin} answered ${status}${named} to ${what}`,
        {
          retryable: true,
          details: { source, status, ...(errorType === undefined ? {} : { errorType }) },
        },
      );
    }
    return { status, body };
  }

  return {
    source,
    origin,
    async close() {
      const closing = agent;
      agent = undefined;
      await closing?.close();
    },
    async call(request, signal, attempts = options.maxAttempts) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(request, signal);
        } catch (error) {
          if (!(error instanceof OoError)) throw error;
          if (attempt >= attempts) throw attempt === 1 ? error : afterAttempts(error, attempt);
          const wait = BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)];
          // timers/promises rejects with its own AbortError; callers expect their signal's reason.
          await sleep(wait, undefined, signal === undefined ? {} : { signal }).catch((abort: unknown) => {
            throw signal?.aborted ? signal.reason : abort;
          });
        }
      }
    },
  };
}

/** The last attempt's error, saying how many were made. */
function afterAttempts(error: OoError, attempts: number): OoError {
  return new OoError(error.code, `${error.message} (${attempts} attempts)`, {
    retryable: error.retryable,
    ...(error.details === undefined ? {} : { details: error.details }),
    cause: error.cause,
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** undici's `fetch failed` hides the reason in `cause` (ECONNREFUSED, UND_ERR_SOCKET, ...). */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${cause.message})` : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
