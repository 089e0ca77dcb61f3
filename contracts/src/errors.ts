/**
 * The one registry of OO error codes. Each code states its meaning, whether a retry can help, the
 * HTTP status it maps to where it reaches HTTP, and how to fix it. `contracts/ERRORS.md` is generated
 * from this table (`npm run schemas`).
 *
 * Errors cross the bus as `ErrorData` and are rebuilt by code, never by matching message text.
 */
import { z } from 'zod';
import { AwxErrors } from './error-codes/awx.js';
import { FilestoreErrors } from './error-codes/filestore.js';
import { HttpErrors } from './error-codes/http.js';
import { InventoryErrors } from './error-codes/inventory.js';
import { NotifierErrors } from './error-codes/notify.js';
import { PolicyErrors } from './error-codes/policy.js';
import { RequestErrors } from './error-codes/request.js';
import { RfmErrors } from './error-codes/rfm.js';
import { TfeErrors } from './error-codes/tfe.js';
import { WorkflowErrors } from './error-codes/workflow.js';
import type { ErrorSpec } from './error-spec.js';

export type { ErrorSpec };

const CoreErrors = {
  OO_ERR_MSG_INVALID_JSON: {
    meaning: 'A message body is not valid JSON.',
    retryable: false,
    http: 400,
    fix: 'Publish UTF-8 JSON bodies.',
  },
  OO_ERR_MSG_SCHEMA: {
    meaning: 'A message body does not match the schema of its subject.',
    retryable: false,
    http: 422,
    fix: 'Correct the fields named in `details.issues`.',
  },
  OO_ERR_MSG_SCHEMA_VERSION: {
    meaning: 'A message carries a schema version newer than this consumer understands.',
    retryable: false,
    http: 422,
    fix: 'Upgrade the consuming actor before its publishers.',
  },
  OO_ERR_DEAD_LETTER_NOT_FOUND: {
    meaning: 'The dead-letter stream holds no letter at the sequence asked for.',
    retryable: false,
    http: 404,
    fix: 'Take a sequence `oo dlq list` shows; letters older than the stream keeps them (30 days) are gone.',
  },
  OO_ERR_DEAD_LETTER_NOT_REPLAYABLE: {
    meaning:
      'A dead letter cannot be sent again as it is: its body was cut to fit the letter, its subject is not one OO knows, its body still does not match the subject, or its handler acts as the caller, whose identity a letter does not keep.',
    retryable: false,
    http: 409,
    fix: 'Read the letter (`oo dlq show`); a command acting as its caller must be sent again by the caller.',
  },
  OO_ERR_MSG_UNKNOWN_SUBJECT: {
    meaning: 'A message arrived on a subject no handler of this actor declares.',
    retryable: false,
    fix: 'Check the actor’s consumer filter against contracts/subjects.',
  },
  OO_ERR_MAX_DELIVERIES: {
    meaning: 'A message was delivered the maximum number of times without being handled.',
    retryable: false,
    fix: 'Read `details.lastError` in the dead letter, fix the cause, and republish.',
  },
  OO_ERR_HANDLER_FAILED: {
    meaning: 'A handler threw something that is not an OoError; treated as retryable.',
    retryable: true,
    http: 500,
    fix: 'Read the log line with the same trace id; throw an OoError with a precise code instead.',
  },
  OO_ERR_TIMEOUT: {
    meaning: 'Work did not finish within its deadline.',
    retryable: true,
    http: 504,
    fix: 'Raise the timeout or find what is slow.',
  },
  OO_ERR_CANCELLED: {
    meaning: 'Work was cancelled before it finished.',
    retryable: false,
    http: 409,
    fix: 'Nothing to fix: someone asked for it.',
  },
  OO_ERR_SHUTTING_DOWN: {
    meaning: 'The actor instance is stopping and handed the message back for another instance.',
    retryable: true,
    http: 503,
    fix: 'Nothing: another instance or the restarted one takes it.',
  },
  OO_ERR_CONFIG_INVALID: {
    meaning: 'The configuration file or an environment override is invalid.',
    retryable: false,
    fix: 'Correct the key named in the message; see the README configuration table.',
  },
  OO_ERR_NATS_UNAVAILABLE: {
    meaning: 'The NATS server could not be reached.',
    retryable: true,
    http: 503,
    fix: 'Start nats-server or point NATS_URL at a running one.',
  },
  OO_ERR_NATS_PROVISION: {
    meaning: 'A stream, consumer or bucket could not be created or updated.',
    retryable: false,
    fix: 'Check the server has JetStream enabled (-js) and enough storage; the message names the item.',
  },
  OO_ERR_NATS_SERVER_MISSING: {
    meaning: 'No nats-server binary was found on PATH for `oo up`.',
    retryable: false,
    fix: 'Install it: `apt-get install nats-server` (Debian), or set NATS_URL to a running server.',
  },
  OO_ERR_AUTH_MISSING: {
    meaning: 'A message or HTTP call carries no identity.',
    retryable: false,
    http: 401,
    fix: 'Send `Authorization: Bearer <token>` (HTTP) or the oo-principal header (NATS).',
  },
  OO_ERR_AUTH_INVALID: {
    meaning: 'An identity token is malformed, expired or not signed by this installation.',
    retryable: false,
    http: 401,
    fix: 'Get a fresh token (`oo token create`).',
  },
  OO_ERR_AUTH_FORBIDDEN: {
    meaning: 'The caller is known but its role does not allow this action.',
    retryable: false,
    http: 403,
    fix: 'Ask an admin for a token with the needed role.',
  },
  OO_ERR_AUTH_TOO_MANY_FAILURES: {
    meaning:
      'Too many calls from this client address failed authentication within a minute; the gateway refuses its calls until that minute is over, whatever token they carry.',
    retryable: true,
    http: 429,
    fix: 'Wait for `Retry-After` seconds and send a valid API token. Behind a reverse proxy, clients share its address unless an admin names the proxy in gateway.trustProxy (or limits at the proxy and raises gateway.authFailuresPerMinute).',
  },
} as const satisfies Record<string, ErrorSpec>;

export const ErrorRegistry = {
  ...CoreErrors,
  ...WorkflowErrors,
  ...RequestErrors,
  ...HttpErrors,
  ...RfmErrors,
  ...PolicyErrors,
  ...InventoryErrors,
  ...FilestoreErrors,
  ...NotifierErrors,
  ...AwxErrors,
  ...TfeErrors,
} as const;

export type ErrorCode = keyof typeof ErrorRegistry;

export const ErrorCodeSchema = z.enum(Object.keys(ErrorRegistry) as [ErrorCode, ...ErrorCode[]]);

/** How an error crosses the bus. */
export const ErrorData = z.object({
  code: z.string().regex(/^OO_ERR_[A-Z0-9_]+$/),
  message: z.string(),
  retryable: z.boolean(),
  retryAfterMs: z.number().int().nonnegative().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorData = z.infer<typeof ErrorData>;

/**
 * An error with a registered code. `retryable` comes from the registry unless the thrower knows
 * better (a 5xx from AWX is retryable, a 4xx is not, both under one code).
 */
export class OoError extends Error {
  override readonly name = 'OoError';
  readonly code: ErrorCode | (string & {});
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode | (string & {}),
    message: string,
    options: {
      details?: Record<string, unknown>;
      retryable?: boolean;
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable =
      options.retryable ?? (ErrorRegistry as Record<string, ErrorSpec>)[code]?.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  toData(): ErrorData {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }

  /** Rebuilds an error that crossed the bus. */
  static fromData(data: ErrorData): OoError {
    return new OoError(data.code, data.message, {
      retryable: data.retryable,
      ...(data.retryAfterMs === undefined ? {} : { retryAfterMs: data.retryAfterMs }),
      ...(data.details === undefined ? {} : { details: data.details }),
    });
  }
}

/** Whether a run failing with `code` rejects its request rather than failing it (see ErrorSpec.rejects). */
export function isRejection(code: string): boolean {
  return (ErrorRegistry as Record<string, ErrorSpec>)[code]?.rejects === true;
}

/** A failure no retry can mend. */
export function terminal(code: ErrorCode, message: string, details?: Record<string, unknown>): OoError {
  return new OoError(code, message, { retryable: false, ...(details ? { details } : {}) });
}

/** A failure worth retrying, optionally not before `retryAfterMs`. */
export function retryable(
  code: ErrorCode,
  message: string,
  options: { retryAfterMs?: number; details?: Record<string, unknown> } = {},
): OoError {
  return new OoError(code, message, { retryable: true, ...options });
}

/** Normalises anything thrown into an OoError, once, at the boundary that caught it. */
export function toOoError(thrown: unknown): OoError {
  if (thrown instanceof OoError) return thrown;
  if (thrown instanceof Error) {
    return new OoError('OO_ERR_HANDLER_FAILED', thrown.message, { cause: thrown });
  }
  return new OoError('OO_ERR_HANDLER_FAILED', `non-error thrown: ${String(thrown)}`);
}

/** The registry as a Markdown table (for ERRORS.md). */
export function errorTableMarkdown(): string {
  const rows = Object.entries(ErrorRegistry as Record<string, ErrorSpec>).map(
    ([code, spec]) =>
      `| \`${code}\` | ${spec.meaning} | ${spec.retryable ? 'yes' : 'no'} | ${spec.http ?? ''} | ${spec.fix} |`,
  );
  return [
    '# OO error codes',
    '',
    'Generated from `contracts/src/errors.ts` by `npm run schemas`; do not edit by hand.',
    '',
    '| code | meaning | retryable | HTTP | fix |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
