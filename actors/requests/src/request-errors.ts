/** Builds the terminal errors of this actor; the codes live in the contracts registry. */
import { OoError, RequestErrors } from '@oo/contracts';

export { RequestErrors };

export type RequestErrorCode = keyof typeof RequestErrors;

/** A terminal request-path error (never retried: the same message would fail the same way). */
export function requestError(code: RequestErrorCode, message: string, details?: Record<string, unknown>) {
  return new OoError(code, message, {
    retryable: RequestErrors[code].retryable,
    ...(details ? { details } : {}),
  });
}
