/**
 * RFC 9457 problem details. Every error the filestore answers is `application/problem+json` with
 * the OO error code, whether a retry can help, and — for a refused path — the rule it broke.
 */
import { ErrorRegistry, type ErrorSpec, OoError, toOoError } from '@oo/contracts';
import { FilestoreErrors } from './filestore-errors.js';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly code: string;
  readonly retryable: boolean;
  readonly [extension: string]: unknown;
}

const specs: Record<string, ErrorSpec> = { ...ErrorRegistry, ...FilestoreErrors };

/** Errors fastify raises itself, by their FST code, as OO errors. */
function fromFastify(
  err: { code?: string; statusCode?: number; message: string },
  maxBytes: number,
): OoError | undefined {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new OoError('OO_ERR_FILESTORE_TOO_LARGE', `the file is larger than ${maxBytes} bytes`, {
      retryable: false,
      details: { maxBytes },
    });
  }
  if (typeof err.code === 'string' && err.code.startsWith('FST_') && (err.statusCode ?? 500) < 500) {
    return new OoError('OO_ERR_FILESTORE_BAD_REQUEST', err.message, {
      retryable: false,
      details: { fastify: err.code },
    });
  }
  return undefined;
}

/** The problem an error becomes, and its HTTP status. Unknown throws become a 500. */
export function toProblem(thrown: unknown, instance: string, maxBytes: number): Problem {
  const known =
    thrown instanceof OoError
      ? thrown
      : fromFastify(thrown as { code?: string; statusCode?: number; message: string }, maxBytes);
  const error = known ?? toOoError(thrown);
  const spec = specs[error.code];
  const status = spec?.http ?? 500;
  return {
    type: `urn:oo:error:${error.code}`,
    title: spec?.meaning ?? error.code,
    status,
    // An unexpected failure's message may describe internals; the log has it, the caller need not.
    detail: known ? error.message : 'the filestore failed unexpectedly; its log holds the cause',
    instance,
    code: error.code,
    retryable: error.retryable,
    ...(error.details ?? {}),
  };
}
