/**
 * RFM's error codes and a maker that takes `retryable` from them, so the errors are right before and
 * after `RfmErrors` is merged into the contracts registry.
 */
import { OoError, RfmErrors } from '@oo/contracts';
import type { Reason } from './policy-types.js';

export { RfmErrors };
export type RfmErrorCode = keyof typeof RfmErrors;

export function rfmError(
  code: RfmErrorCode,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): OoError {
  return new OoError(code, message, {
    retryable: RfmErrors[code].retryable,
    ...(details ? { details } : {}),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** A failure of one allocation that the request's rejection lists (`details.reason`). */
export function rejection(path: string, message: string): OoError {
  return rfmError('OO_ERR_RFM_REJECTED', message, { reasons: [{ path, message }] });
}

/** The reasons an OoError of RFM carries, if it is a rejection. */
export function reasonsOf(err: unknown): Reason[] | undefined {
  if (!(err instanceof OoError) || err.code !== 'OO_ERR_RFM_REJECTED') return undefined;
  return err.details?.reasons as Reason[] | undefined;
}
