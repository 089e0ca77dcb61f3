/**
 * One call to an inventory system's REST API (vCenter, APIC) with a per-call timeout, retried on what
 * a retry can heal: a network error, a timeout or a 5xx. Other answers (2xx, 4xx) go back to the
 * caller, who knows what they mean. Errors name the system, the method and the path, never a header
 * or a body: credentials, session ids and tokens travel only in headers and bodies.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { rootCertificates } from 'node:tls';
import { OoError } from '@oo/contracts';
import { Agent, fetch } from 'undici';

/** Waits before the 2nd and 3rd attempt; later attempts wait as long as the 3rd. */
const BACKOFF_MS = [100, 300] as const;

/** The error an answer's body names, as a system words it. */
export interface AnswerError {
  /** For messages, e.g. `UNAUTHENTICATED`, or APIC's error text. */
  readonly text: string;
  /** Merged into `details`, e.g. `{ errorType }`. */
  readonly details: Readonly<Record<string, string>>;
}

/** What differs between the systems OO reads: names, and how an error body reads. */
export interface InventorySystem {
  /** Opens every message: `vCenter`, `APIC`. */
  readonly label: string;
  /** `details.source` is `<scheme>:<origin>`: `vcenter`, `aci`. */
  readonly scheme: string;
  /** The error a body names; undefined when it names none. */
  errorOf(body: unknown): AnswerError | undefined;
  /** A status with its error as messages show it: `401 UNAUTHENTICATED`, `401: Username or ...`. */
  refusal(status: number, error: AnswerError): string;
}

export interface InventoryRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Below the origin, with any query, e.g. `/api/vcenter/cluster`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON; never shown in an error. */
  readonly json?: unknown;
}

export interface InventoryAnswer {
  readonly status: number;
  /** The parsed JSON body; undefined when empty or not JSON. */
  readonly body: unknown;
}

export interface InventoryHttp {
  /** `<scheme>:<origin>`, for `details.source`. */
  readonly source: string;
  /** The origin with any path prefix, e.g. `https://vc.example`. */
  readonly origin: string;
  /**
   * Throws OO_ERR_INVENTORY_UNAVAILABLE (retryable) once `attempts` calls met a network error, a
   * timeout or a 5xx, and `signal.reason` as soon as `signal` aborts.
   */
  call(request: InventoryRequest, signal?: AbortSignal, attempts?: number): Promise<InventoryAnswer>;
  /** `<label> <origin> <message>`, with the answer's status and error in details when given. */
  fail(message: string, retryable: boolean, answer?: InventoryAnswer): OoError;
  /** The answer's status with the error its body names, as messages show it. */
  refusal(answer: InventoryAnswer): string;
  /** Closes the connections kept open to the system. */
  close(): Promise<void>;
}

/**
 * Calls to the system at `url`; `timeoutMs` per call (default 10 000), `maxAttempts` (default 3).
 * @throws OoError OO_ERR_CONFIG_INVALID when `url` is not an absolute http(s) URL
 */
export function inventoryHttp(options: {
  system: InventorySystem;
  url: string;
  timeoutMs?: number | undefined;
  maxAttempts?: number | undefined;
  /** A CA certificate (PEM) trusted besides Node's own: vCenter's VMCA root, APIC's own, usually. */
  ca?: string | undefined;
}): InventoryHttp {
  const { system } = options;
  const origin = originOf(options.url, system);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const source = `${system.scheme}:${origin}`;
  // One pool of connections, trusting the CA too when given (`ca` replaces the defaults); made
  // again after close, so a closed client still works (it logs in afresh).
  const tls = options.ca === undefined ? {} : { connect: { ca: [...rootCertificates, options.ca] } };
  let agent: Agent | undefined;
  const pool = (): Agent => {
    agent ??= new Agent(tls);
    return agent;
  };

  const fail = (message: string, retryable: boolean, answer?: InventoryAnswer): OoError => {
    const error = answer === undefined ? undefined : system.errorOf(answer.body);
    return new OoError('OO_ERR_INVENTORY_UNAVAILABLE', `${system.label} ${origin} ${message}`, {
      retryable,
      details: {
        source,
        ...(answer === undefined ? {} : { status: answer.status }),
        ...error?.details,
      },
    });
  };
  const refusal = (answer: InventoryAnswer): string => {
    const error = system.errorOf(answer.body);
    return error === undefined ? String(answer.status) : system.refusal(answer.status, error);
  };

  async function once(request: InventoryRequest, signal: AbortSignal | undefined): Promise<InventoryAnswer> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const both = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const what = `${request.method} ${request.path}`;
    const json = request.json === undefined ? {} : { 'content-type': 'application/json' };
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${origin}${request.path}`, {
        method: request.method,
        headers: { accept: 'application/json', ...json, ...request.headers },
        ...(request.json === undefined ? {} : { body: JSON.stringify(request.json) }),
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
      throw new OoError('OO_ERR_INVENTORY_UNAVAILABLE', `${system.label} ${origin} ${reason}`, {
        retryable: true,
        details: { source },
        cause: error,
      });
    }
    const answer = { status, body: parseJson(text) };
    if (status >= 500) throw fail(`answered ${refusal(answer)} to ${what}`, true, answer);
    return answer;
  }

  return {
    source,
    origin,
    fail,
    refusal,
    async close() {
      const closing = agent;
      agent = undefined;
      await closing?.close();
    },
    async call(request, signal, attempts = maxAttempts) {
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

/**
 * Scheme, host and any proxy prefix, without credentials, a trailing slash or `/api` (both vCenter's
 * and APIC's API live under `/api`).
 * @throws OoError OO_ERR_CONFIG_INVALID when `url` is not an absolute http(s) URL
 */
function originOf(url: string, system: InventorySystem): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid:');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    // The URL itself is not echoed: it might carry credentials.
    throw new OoError('OO_ERR_CONFIG_INVALID', `the ${system.label} url is not an absolute http(s) URL`);
  }
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  return `${parsed.protocol}//${parsed.host}${path}`;
}

/** `promise`, or `signal.reason` as soon as `signal` aborts (the promise itself runs on). */
export function raced<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
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
