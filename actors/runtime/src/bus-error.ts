/**
 * An error as it can cross the bus. `OoError` takes any `retryAfterMs` and `details`, but what it
 * becomes on the bus (`ErrorData`, in task events, task state and dead letters) is checked: a
 * retry-after of 1500.5 or -20 ms (a rate limit's reset already past), details holding a BigInt or a
 * cycle, or a code off the `OO_ERR_*` pattern made every publish of it fail, so a dead letter was
 * never written (its message redelivered each second for ever) and a task's failure never reported.
 */
import { ErrorData, OoError } from '@oo/contracts';

function wholeMs(ms: number | undefined): number | undefined {
  return ms === undefined || !Number.isFinite(ms) ? undefined : Math.max(0, Math.ceil(ms));
}

function jsonDetails(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (details === undefined) return undefined;
  try {
    const copy: unknown = JSON.parse(JSON.stringify(details));
    if (typeof copy === 'object' && copy !== null && !Array.isArray(copy))
      return copy as Record<string, unknown>;
  } catch {
    // not JSON (a BigInt, a cycle): said below
  }
  return { detailsDropped: 'not JSON' };
}

/** Whether `error` reaches a reader as it is: valid ErrorData once through JSON. */
function crosses(error: OoError): boolean {
  try {
    return ErrorData.safeParse(JSON.parse(JSON.stringify(error.toData()))).success;
  } catch {
    return false; // a BigInt or a cycle in its details
  }
}

/** `error` itself when it crosses as it is; otherwise a copy that does, `error` as its cause. */
export function busError(error: OoError): OoError {
  if (crosses(error)) return error;
  const retryAfterMs = wholeMs(error.retryAfterMs);
  const details = jsonDetails(error.details);
  const known = ErrorData.shape.code.safeParse(error.code).success;
  return new OoError(
    known ? error.code : 'OO_ERR_HANDLER_FAILED',
    known ? error.message : `${String(error.code)}: ${error.message}`,
    {
      retryable: error.retryable,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(details === undefined ? {} : { details }),
      cause: error,
    },
  );
}
