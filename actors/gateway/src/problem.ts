/**
 * RFC 9457 problem details: every error the gateway answers is `application/problem+json` with
 * `type` (`urn:oo:error:<code>`), `title` (what the code means), `status`, `detail`, `errors` (each
 * failing field or parameter with its rule, possibly empty), the OO `code`, `retryable` and the
 * `traceId` of the HTTP request. An unexpected failure says only that it happened and its trace id:
 * the message and stack go to the log, never to the caller.
 */
import { ErrorRegistry, type ErrorSpec, OoError } from '@oo/contracts';
import { isNatsUnreachable } from '@oo/runtime';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type FieldError, GatewayErrors, gatewayError } from './gateway-errors.js';

export const PROBLEM_JSON = 'application/problem+json';

export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });

/** The problem document; loose, because each code may add members (`checks`, `maxBytes`, ...). */
export const Problem = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  code: z.string(),
  retryable: z.boolean(),
  traceId: z.string().optional(),
  errors: z.array(FieldErrorSchema),
});
export type Problem = z.infer<typeof Problem>;

const specs: Readonly<Record<string, ErrorSpec>> = { ...ErrorRegistry, ...GatewayErrors };

/** At most this many entries in `errors`, so a hostile body cannot make a huge answer. */
const MAX_FIELD_ERRORS = 100;
const MAX_KEY_LENGTH = 100;
/** A path may be as deep as the body nests (storableText in contracts walks it all): the answer shows its start. */
const MAX_PATH_LENGTH = 500;

/** A value from the caller, cut short for a message: JSON escapes the rest (control characters too). */
export function excerpt(value: string, max = MAX_KEY_LENGTH): string {
  return value.length > max ? `${value.slice(0, max)}…(${value.length} chars)` : value;
}

function joinPath(parts: readonly string[]): string {
  return parts.length === 0 ? '(root)' : excerpt(parts.join('.'), MAX_PATH_LENGTH);
}

/** At most MAX_FIELD_ERRORS entries, the last one saying how many more there were. */
export function capped(errors: readonly FieldError[]): FieldError[] {
  if (errors.length <= MAX_FIELD_ERRORS) return [...errors];
  const more = errors.length - MAX_FIELD_ERRORS;
  return [...errors.slice(0, MAX_FIELD_ERRORS), { path: '(more)', message: `${more} more problems` }];
}

interface ValidationItem {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string | undefined;
  readonly params: Record<string, unknown>;
}

/** Validation issues as field errors; an unknown key is named by its own path, one entry each. */
export function fieldErrors(items: readonly ValidationItem[], prefix: readonly string[] = []): FieldError[] {
  const out: FieldError[] = [];
  for (const item of items) {
    const at = [
      ...prefix,
      ...item.instancePath
        .split('/')
        .filter((p) => p !== '')
        .map((p) => excerpt(p)),
    ];
    const keys = item.params.keys;
    if (item.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      for (const key of keys)
        out.push({ path: joinPath([...at, excerpt(String(key))]), message: 'is not a known field' });
    } else if (item.keyword === 'invalid_type' && item.message?.endsWith('received undefined')) {
      out.push({ path: joinPath(at), message: 'is required' });
    } else {
      out.push({ path: joinPath(at), message: item.message ?? item.keyword });
    }
  }
  return capped(out);
}

const CONTEXT_PREFIX: Readonly<Record<string, string>> = {
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

interface FastifyishError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
  readonly validationContext?: unknown;
}

/** The OoError a thrown value stands for; undefined when it is unexpected (a 500). */
export function knownError(thrown: unknown, maxBytes: number): OoError | undefined {
  if (thrown instanceof OoError) return thrown;
  if (hasZodFastifySchemaValidationErrors(thrown)) {
    const context = String(thrown.validationContext ?? 'body');
    if (context === 'body') {
      const errors = fieldErrors(thrown.validation);
      return new OoError(
        'OO_ERR_MSG_SCHEMA',
        `the request body is invalid: ${errors.length} problem${errors.length === 1 ? '' : 's'}, see errors`,
        { retryable: false, details: { errors } },
      );
    }
    const errors = fieldErrors(thrown.validation, [CONTEXT_PREFIX[context] ?? context]);
    return gatewayError(
      'OO_ERR_HTTP_BAD_REQUEST',
      `invalid ${CONTEXT_PREFIX[context] ?? context}: see errors`,
      {
        errors,
      },
    );
  }
  if (thrown instanceof z.ZodError) {
    const errors = capped(
      thrown.issues.map((i) => ({ path: joinPath(['query', ...i.path.map(String)]), message: i.message })),
    );
    return gatewayError('OO_ERR_HTTP_BAD_REQUEST', 'invalid query: see errors', { errors });
  }
  if (isNatsUnreachable(thrown)) {
    return new OoError('OO_ERR_NATS_UNAVAILABLE', 'the message bus is not reachable now; retry shortly', {
      retryAfterMs: 2_000,
    });
  }
  const err = thrown as FastifyishError;
  if (typeof err?.code !== 'string' || !err.code.startsWith('FST_')) return undefined;
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new OoError(
        'OO_ERR_MSG_INVALID_JSON',
        `the request body is not valid JSON: ${String(err.message)}`,
        {
          retryable: false,
        },
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return gatewayError('OO_ERR_HTTP_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`, {
        maxBytes,
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return gatewayError(
        'OO_ERR_HTTP_MEDIA_TYPE',
        'send the body as JSON with Content-Type: application/json',
      );
    case 'FST_ERR_BAD_URL':
      return gatewayError('OO_ERR_HTTP_BAD_REQUEST', 'the URL is badly percent-encoded');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return gatewayError('OO_ERR_HTTP_BAD_REQUEST', 'a path segment is longer than 512 characters');
    default:
      if (typeof err.statusCode === 'number' && err.statusCode < 500) {
        // Fastify's messages may quote the URL or a header whole: name the failure by its code.
        return gatewayError('OO_ERR_HTTP_BAD_REQUEST', `the HTTP request is malformed (${err.code})`, {
          fastify: err.code,
        });
      }
      return undefined;
  }
}

export interface ProblemContext {
  /** The URL called; absent when the request could not even be parsed. */
  readonly instance?: string;
  readonly traceId: string;
  readonly maxBytes: number;
}

/** The problem `thrown` becomes. Codes without an HTTP status answer 500. */
export function toProblem(thrown: unknown, context: ProblemContext): Problem {
  const known = knownError(thrown, context.maxBytes);
  const error = known ?? new OoError('OO_ERR_HANDLER_FAILED', 'unexpected');
  const spec = specs[error.code];
  const status = spec?.http ?? 500;
  const { errors, ...extensions } = error.details ?? {};
  return {
    // Extension members first: a detail never overrides a member the RFC defines.
    ...extensions,
    type: `urn:oo:error:${error.code}`,
    title: spec?.meaning ?? error.code,
    status,
    detail:
      known && status < 500
        ? error.message
        : known
          ? `${error.message} (trace ${context.traceId})`
          : `the gateway failed unexpectedly; quote trace ${context.traceId} to an operator`,
    ...(context.instance === undefined ? {} : { instance: excerpt(context.instance, 200) }),
    code: error.code,
    retryable: error.retryable,
    traceId: context.traceId,
    errors: Array.isArray(errors) ? (errors as FieldError[]) : [],
    ...(error.retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000) }),
  };
}
