/** Builds the gateway's errors; the codes live in the contracts registry. */
import { HttpErrors, OoError, RequestErrors } from '@oo/contracts';

/** The gateway's codes: its HTTP ones and the request-path ones it answers itself. */
export const GatewayErrors = { ...HttpErrors, ...RequestErrors } as const;

export type GatewayErrorCode = keyof typeof GatewayErrors;

/** One failing field or parameter: a dotted path (`resources.0.cpu`, `query.limit`) and the rule. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export function gatewayError(
  code: GatewayErrorCode,
  message: string,
  details?: Record<string, unknown>,
): OoError {
  return new OoError(code, message, {
    retryable: GatewayErrors[code].retryable,
    ...(details ? { details } : {}),
  });
}
