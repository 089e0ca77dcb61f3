/**
 * TFE answers and transport failures as OoErrors (codes in contracts/src/error-codes/tfe.ts). Error
 * text never carries the token, a sensitive value or a pre-signed URL: callers pass the secrets to
 * redact, and foreign URLs are reported by origin only.
 */
import { type ErrorCode, OoError } from '@oo/contracts';

export interface CallDescription {
  readonly method: string;
  /** API path (`/api/v2/runs/run-…`) or, for pre-signed URLs, the origin only. */
  readonly target: string;
  /** Strings that must not appear in the error (token, sensitive values). */
  readonly secrets: readonly string[];
}

export interface TfeErrorObject {
  readonly status?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly pointer?: string;
}

/** The `errors` of a JSON:API error document; tolerates numeric statuses and plain-string errors. */
export function errorObjects(body: unknown): TfeErrorObject[] {
  const errors =
    typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(errors)) return [];
  return errors.map((item): TfeErrorObject => {
    if (typeof item === 'string') return { title: item };
    if (typeof item !== 'object' || item === null) return {};
    const record = item as Record<string, unknown>;
    const source = record.source as { pointer?: unknown } | undefined;
    return {
      ...(record.status !== undefined ? { status: String(record.status) } : {}),
      ...(typeof record.title === 'string' ? { title: record.title } : {}),
      ...(typeof record.detail === 'string' ? { detail: record.detail } : {}),
      ...(typeof source?.pointer === 'string' ? { pointer: source.pointer } : {}),
    };
  });
}

/** The error for a non-2xx API answer. */
export function errorForStatus(
  call: CallDescription,
  status: number,
  body: unknown,
  retryAfterMs: number | undefined,
): OoError {
  const errors = errorObjects(body).map((e) => redactObject(e, call.secrets));
  const summary = errors.map((e) => [e.title, e.detail].filter(Boolean).join(': ')).join('; ');
  const message = `TFE ${call.method} ${call.target} answered ${status}${summary ? `: ${summary}` : ''}`;
  const details = { method: call.method, path: call.target, status, errors };
  const make = (code: ErrorCode) =>
    new OoError(code, redact(message, call.secrets), {
      details,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  if (status === 401) return make('OO_ERR_TFE_UNAUTHORIZED');
  if (status === 403) return make('OO_ERR_TFE_FORBIDDEN');
  if (status === 404) return make('OO_ERR_TFE_NOT_FOUND');
  if (status === 409) return make('OO_ERR_TFE_CONFLICT');
  if (status === 429) return make('OO_ERR_TFE_RATE_LIMITED');
  if (status >= 500)
    return make(call.method === 'POST' ? 'OO_ERR_TFE_OUTCOME_UNKNOWN' : 'OO_ERR_TFE_UNAVAILABLE');
  if (status >= 400) return make('OO_ERR_TFE_VALIDATION');
  return make('OO_ERR_TFE_BAD_RESPONSE');
}

/** Connection-level failures that prove the request never reached the server. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The error for a request that got no answer (reset, refused, timed out). */
export function errorForNetwork(call: CallDescription, cause: unknown): OoError {
  const code = networkCode(cause);
  const notSent = code !== undefined && NOT_SENT.has(code);
  const message = `TFE ${call.method} ${call.target} failed without an answer (${code ?? 'unknown network error'})`;
  return new OoError(
    call.method === 'POST' && !notSent ? 'OO_ERR_TFE_OUTCOME_UNKNOWN' : 'OO_ERR_TFE_UNAVAILABLE',
    message,
    { details: { method: call.method, path: call.target, network: code ?? 'unknown' } },
  );
}

export function badResponse(call: CallDescription, why: string): OoError {
  return new OoError('OO_ERR_TFE_BAD_RESPONSE', `TFE ${call.method} ${call.target}: ${why}`, {
    details: { method: call.method, path: call.target },
  });
}

/** Errors worth another GET. */
export function isTransient(error: OoError): boolean {
  return error.code === 'OO_ERR_TFE_UNAVAILABLE' || error.code === 'OO_ERR_TFE_RATE_LIMITED';
}

export function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || networkCode(error) === 'UND_ERR_ABORTED';
}

function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function redactObject(error: TfeErrorObject, secrets: readonly string[]): TfeErrorObject {
  return Object.fromEntries(
    Object.entries(error).map(([key, value]) => [
      key,
      typeof value === 'string' ? redact(value, secrets) : value,
    ]),
  ) as TfeErrorObject;
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}
