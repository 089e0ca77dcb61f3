/** Builds the terminal errors of this actor; the codes live in the contracts registry. */
import { FilestoreErrors, OoError } from '@oo/contracts';

export { FilestoreErrors };

export type FilestoreErrorCode = keyof typeof FilestoreErrors;

export function filestoreError(
  code: FilestoreErrorCode,
  message: string,
  details?: Record<string, unknown>,
): OoError {
  return new OoError(code, message, {
    retryable: FilestoreErrors[code].retryable,
    ...(details ? { details } : {}),
  });
}
