/**
 * Runs one delivery of one attempt of a task: builds its context, arms the deadline and the cancel,
 * and turns whatever happens into an outcome. It stops waiting the moment the signal aborts, even if
 * `run` ignores the signal, so a stuck task cannot hold its message past a cancel or a timeout.
 */
import { OoError, type TaskMessage, toOoError } from '@oo/contracts';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { type ActorContext, isAgain } from '../actor-context.js';
import { busError } from '../bus-error.js';
import type { Clock } from '../clock.js';
import { AttemptAbort } from './attempt-abort.js';
import type { AnyTaskDefinition } from './define-task.js';
import type { RunCancellations } from './run-cancellations.js';
import type { SecretResolver } from './secrets.js';
import { RunContext } from './task-context.js';
import type { TaskStateHandle } from './task-state.js';

export type AttemptOutcome =
  | { readonly kind: 'output'; readonly value: unknown }
  | { readonly kind: 'again'; readonly delayMs: number }
  | { readonly kind: 'failed'; readonly error: OoError }
  | {
      readonly kind: 'cancelled';
      readonly error: OoError;
      /** Settles when the abandoned `run` does (it may still be finishing a call it started). */
      readonly settled: Promise<unknown>;
    };

export interface AttemptDeps {
  readonly task: AnyTaskDefinition;
  readonly tracer: Tracer;
  readonly secrets: SecretResolver;
  readonly cancellations: RunCancellations;
}

export function timeoutError(timeoutMs: number | undefined): OoError {
  return new OoError(
    'OO_ERR_TIMEOUT',
    `attempt did not finish within its timeout of ${timeoutMs ?? '?'} ms`,
    {
      details: { timeoutMs: timeoutMs ?? null },
    },
  );
}

/** The longest wait setTimeout holds (ms, 24.8 days); past it, Node fires it after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fire` at `deadline` (ms since epoch), however far off; returns the disarm. */
function atDeadline(deadline: number, clock: Clock, fire: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = deadline - clock.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fire, Math.max(0, left));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

export interface AttemptInput {
  readonly actx: ActorContext;
  readonly message: TaskMessage;
  /** The message's input, parsed by the task's input schema. */
  readonly input: unknown;
  readonly state: TaskStateHandle;
  readonly log: Logger;
  readonly timeoutMs: number | undefined;
}

/**
 * Throws only when the actor instance is stopping (the consumer loop then hands the message back
 * without counting an attempt); every task failure comes back as an outcome.
 */
export async function runAttempt(deps: AttemptDeps, attempt: AttemptInput): Promise<AttemptOutcome> {
  const { actx, message, input, state, timeoutMs } = attempt;
  const { task } = deps;
  const deadline = state.current.deadlineAt;
  if (deadline !== undefined && actx.clock.now() >= deadline) {
    return { kind: 'failed', error: timeoutError(timeoutMs) };
  }

  const abort = new AttemptAbort();
  const onStop = () => abort.abort(actx.signal.reason);
  actx.signal.addEventListener('abort', onStop, { once: true });
  if (actx.signal.aborted) onStop();
  const untrack = deps.cancellations.track(message.runId, message.taskKey, abort);
  const disarm =
    deadline === undefined
      ? undefined
      : atDeadline(deadline, actx.clock, () => abort.abort(timeoutError(timeoutMs)));

  const ctx = new RunContext({ deps, actx, message, state, log: attempt.log, signalOf: () => abort.signal });

  const running = abort.isAborted ? abort.aborted : Promise.resolve().then(() => task.run(ctx, input));
  // The race may settle first; a later rejection of the abandoned run is not an unhandled one.
  running.catch(() => undefined);
  try {
    const result = await Promise.race([running, abort.aborted]);
    if (!isAgain(result)) return { kind: 'output', value: result };
    // Come back no later than the deadline, so a timeout is noticed on time.
    const untilDeadline = deadline === undefined ? result.delayMs : Math.max(0, deadline - actx.clock.now());
    return { kind: 'again', delayMs: Math.min(result.delayMs, untilDeadline) };
  } catch (thrown) {
    if (actx.signal.aborted) throw actx.signal.reason;
    if (!abort.isAborted) return { kind: 'failed', error: busError(toOoError(thrown)) };
    const error = busError(toOoError(abort.reason));
    return error.code === 'OO_ERR_CANCELLED'
      ? { kind: 'cancelled', error, settled: running.catch(() => undefined) }
      : { kind: 'failed', error };
  } finally {
    disarm?.();
    untrack();
    actx.signal.removeEventListener('abort', onStop);
  }
}
