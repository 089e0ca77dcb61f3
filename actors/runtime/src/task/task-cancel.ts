/**
 * A task's `onCancel`, once its run ended while the engine had the task in flight (it ran already,
 * runs now, is parked, or was just delivered), so it can stop what `run` started or what its input
 * points at (a job an earlier task launched). The runner records in `task_vars` that it begins (so
 * a delivery after a crash finishes it), lets the abandoned `run` settle (bounded), calls
 * `onCancel` with the task's variables and a fresh signal, and records that it is done. A failing
 * `onCancel` is logged and returned, never retried: the run has ended.
 */
import { OoError, toOoError } from '@oo/contracts';
import { busError } from '../bus-error.js';
import type { AttemptDeps, AttemptInput } from './task-attempt.js';
import { CancelContext } from './task-context.js';

/** How long the abandoned `run` may take to settle before `onCancel` starts anyway (ms). */
const SETTLE_MS = 5_000;
/** `onCancel`'s budget (ms); its signal aborts past it. */
const ON_CANCEL_TIMEOUT_MS = 30_000;

export interface CancelInput extends Pick<AttemptInput, 'actx' | 'message' | 'state' | 'log'> {
  /** Why the run ended (OO_ERR_CANCELLED). */
  readonly reason: OoError;
  /** The abandoned `run`, when the task was running in this delivery. */
  readonly settled?: Promise<unknown>;
}

/**
 * Runs `onCancel` unless a delivery before this one finished it. Resolves with its failure, if any;
 * throws only when the runner stops meanwhile (the message then comes back to finish it).
 */
export async function cancelInFlight(deps: AttemptDeps, cancel: CancelInput): Promise<OoError | undefined> {
  const { task } = deps;
  const { actx, message, state, log } = cancel;
  const parsed = task.input.safeParse(message.input);
  if (!task.onCancel || !parsed.success) return undefined;
  const begun = state.current.cancel;
  if (begun?.done) return begun.error ? OoError.fromData(begun.error) : undefined;
  const reason = begun ? OoError.fromData(begun.reason) : cancel.reason;
  if (!begun) {
    await state.save((s) => ({ ...s, cancel: { reason: reason.toData(), done: false } }));
  }
  if (cancel.settled) await settleWithin(cancel.settled, SETTLE_MS);

  const budget = AbortSignal.timeout(ON_CANCEL_TIMEOUT_MS);
  const signal = AbortSignal.any([actx.signal, budget]);
  const ctx = new CancelContext({ deps, actx, message, state, log, signalOf: () => signal }, reason);
  let failure: OoError | undefined;
  try {
    // Stops waiting when the signal aborts, even if `onCancel` ignores it.
    const call = task.onCancel(ctx, parsed.data);
    call.catch(() => undefined);
    await Promise.race([call, rejectOnAbort(signal)]);
    log.info({ reason: reason.message }, 'task onCancel done');
  } catch (thrown) {
    if (actx.signal.aborted) throw actx.signal.reason;
    failure = budget.aborted
      ? new OoError('OO_ERR_TIMEOUT', `onCancel of ${task.type} did not finish in ${ON_CANCEL_TIMEOUT_MS} ms`)
      : busError(toOoError(thrown));
    log.warn({ err: { code: failure.code, message: failure.message } }, 'task onCancel failed');
  }
  if (actx.signal.aborted) throw actx.signal.reason;
  await state.save((s) => ({
    ...s,
    cancel: { reason: reason.toData(), done: true, ...(failure ? { error: failure.toData() } : {}) },
  }));
  return failure;
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

async function settleWithin(settled: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([settled, timeout]);
  clearTimeout(timer);
}
