/** Builds the terminal errors of this actor; the codes live in the contracts registry. */
import { NotifierErrors, OoError } from '@oo/contracts';

export { NotifierErrors };

export type NotifierErrorCode = keyof typeof NotifierErrors;

export function notifierError(
  code: NotifierErrorCode,
  message: string,
  details?: Record<string, unknown>,
): OoError {
  return new OoError(code, message, {
    retryable: NotifierErrors[code].retryable,
    ...(details ? { details } : {}),
  });
}
