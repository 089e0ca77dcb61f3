/**
 * AWX answers and transport failures as OoErrors. 4xx are terminal, 5xx / 429 / network failures
 * retryable. Messages and details carry the method, the path and AWX's JSON body (field errors),
 * never a header, so the token cannot leak into an error or a log line.
 */
import { OoError } from '@oo/contracts';

export interface RequestLabel {
  method: string;
  /** Path and query, without origin. */
  path: string;
}

const BODY_EXCERPT = 2_000;

/** AWX's JSON error body when there is one (5xx bodies are HTML and are not kept). */
export function parseErrorBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.length > BODY_EXCERPT ? `${text.slice(0, BODY_EXCERPT)}…` : text;
  }
}

const LAUNCH_BLOCKERS = [
  'variables_needed_to_start',
  'resources_needed_to_start',
  'passwords_needed_to_start',
];

export function errorForStatus(
  req: RequestLabel,
  status: number,
  bodyText: string,
  retryAfterMs: number | undefined,
): OoError {
  const where = `${req.method} ${req.path}`;
  const body = status >= 500 ? undefined : parseErrorBody(bodyText);
  const details = { method: req.method, path: req.path, status, ...(body === undefined ? {} : { body }) };
  const detail = describe(body);
  switch (true) {
    case status === 400: {
      const blocked = typeof body === 'object' && body !== null && LAUNCH_BLOCKERS.some((k) => k in body);
      return blocked
        ? new OoError('OO_ERR_AWX_LAUNCH_BLOCKED', `AWX refused to start the job (${where}): ${detail}`, {
            details,
          })
        : new OoError('OO_ERR_AWX_BAD_REQUEST', `AWX rejected ${where} with 400: ${detail}`, { details });
    }
    case status === 401:
      return new OoError('OO_ERR_AWX_UNAUTHORIZED', `AWX rejected the token (401) on ${where}`, { details });
    case status === 403:
      return new OoError('OO_ERR_AWX_FORBIDDEN', `AWX refused ${where} (403): ${detail}`, { details });
    case status === 404:
      return new OoError('OO_ERR_AWX_NOT_FOUND', `AWX has no ${req.path} (404)`, { details });
    case status === 429:
      return new OoError('OO_ERR_AWX_RATE_LIMITED', `AWX rate-limited ${where} (429)`, {
        details,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    case status >= 500:
      return new OoError('OO_ERR_AWX_SERVER_ERROR', `AWX answered ${status} to ${where}`, {
        details,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    case status >= 300 && status < 400:
      return new OoError(
        'OO_ERR_AWX_BAD_RESPONSE',
        `AWX redirected ${where} (${status}); check the base URL scheme and the API path`,
        { details },
      );
    default:
      return new OoError('OO_ERR_AWX_REJECTED', `AWX refused ${where} with ${status}: ${detail}`, {
        details,
      });
  }
}

/** A request that got no HTTP answer (refused, reset, timeout, TLS). */
export function errorForNetwork(req: RequestLabel, cause: unknown): OoError {
  const reason = networkReason(cause);
  return new OoError('OO_ERR_AWX_UNREACHABLE', `AWX unreachable on ${req.method} ${req.path}: ${reason}`, {
    details: { method: req.method, path: req.path, reason },
    cause,
  });
}

/**
 * A launch or relaunch that failed without a clear answer: the job may exist. Keeps the original
 * error as cause and in details, so a caller can tell 5xx from a dropped connection.
 */
export function launchUnconfirmed(req: RequestLabel, original: OoError): OoError {
  return new OoError(
    'OO_ERR_AWX_LAUNCH_UNCONFIRMED',
    `${original.message}; the job may have been created: look for it by its marker before launching again`,
    {
      details: { ...original.details, method: req.method, path: req.path, underlying: original.code },
      cause: original,
    },
  );
}

export function badResponse(req: RequestLabel, problem: string, cause?: unknown): OoError {
  return new OoError('OO_ERR_AWX_BAD_RESPONSE', `AWX answered ${req.method} ${req.path} with ${problem}`, {
    details: { method: req.method, path: req.path },
    ...(cause === undefined ? {} : { cause }),
  });
}

function describe(body: unknown): string {
  if (body === undefined || body === '') return 'no details';
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null && 'detail' in body) return String(body.detail);
  const text = JSON.stringify(body);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function networkReason(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
}
