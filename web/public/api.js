// @ts-check
/**
 * The gateway's HTTP API as the UI uses it: JSON in and out, the caller's token on every call, and
 * a refusal as an ApiError carrying the problem+json the gateway answered (its code, its detail and,
 * for a body that fails validation, each field's path and rule).
 */

/**
 * @typedef {{ path: string, message: string }} FieldError
 * @typedef {{ status: number, title?: string, detail?: string, code?: string, errors?: FieldError[], traceId?: string }} Problem
 */

/**
 * The address of a gateway path given from its root (`/v1/...`). The page is served at
 * `<root>/ui/`, so behind a proxy that mounts OO under a path the API is found under it too.
 * @param {string} path
 */
export function gatewayUrl(path) {
  return new URL(path.replace(/^\//, ''), new URL('../', document.baseURI)).href;
}

export class ApiError extends Error {
  /** @param {Problem} problem */
  constructor(problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.problem = problem;
  }

  get status() {
    return this.problem.status;
  }
}

/**
 * One call. Resolves the JSON body of a 2xx answer; rejects with an ApiError otherwise, or with
 * a TypeError when the gateway cannot be reached.
 * @param {string} token
 * @param {'GET' | 'POST' | 'PUT' | 'DELETE'} method
 * @param {string} path below the gateway's root, `/v1/...`
 * @param {unknown} [body]
 * @param {Record<string, string>} [extraHeaders]
 * @returns {Promise<any>}
 */
export async function call(token, method, path, body, extraHeaders = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...extraHeaders, authorization: `Bearer ${token}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(gatewayUrl(path), {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) throw await refusal(res, token);
  return (res.headers.get('content-type') ?? '').includes('json')
    ? res.json().catch(() => undefined)
    : undefined;
}

/**
 * The ApiError for a refused call, from the problem+json the gateway answered. A 401 also tells
 * the page, which signs out when the token it holds stops working (expired, revoked).
 * @param {Response} res an answer that is not 2xx
 * @param {string} token the token the call carried
 */
export async function refusal(res, token) {
  if (res.status === 401) window.dispatchEvent(new CustomEvent('oo:unauthorized', { detail: { token } }));
  const type = res.headers.get('content-type') ?? '';
  const json = type.includes('json') ? await res.json().catch(() => undefined) : undefined;
  return new ApiError(
    json && typeof json === 'object'
      ? { ...json, status: res.status }
      : { status: res.status, detail: `${res.status} ${res.statusText}` },
  );
}

/**
 * What to tell the user about a failed call, in one line.
 * @param {unknown} err
 */
export function describeError(err) {
  if (err instanceof ApiError) {
    const { detail, title, status, code } = err.problem;
    return `${detail ?? title ?? `HTTP ${status}`}${code ? ` (${code})` : ''}`;
  }
  if (err instanceof TypeError) return 'the gateway cannot be reached; is OO running?';
  return err instanceof Error ? err.message : String(err);
}
