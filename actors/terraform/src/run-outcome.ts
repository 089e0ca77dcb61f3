/**
 * Reading where a TFE run stands and acting on it: has it been confirmed, why did it fail (with the
 * tail of the failing phase's log), and how to stop it. Shared by the wait, apply and cancel tasks.
 */
import { OoError } from '@oo/contracts';
import { isRunFinal, type TfeRun } from './runs.js';
import type { TfeClient } from './tfe-client.js';
import type { CallOptions } from './types.js';

/** Statuses a run only reaches after its plan was confirmed (by OO, someone else, or auto-apply). */
const AFTER_CONFIRMATION: ReadonlySet<string> = new Set([
  'confirmed',
  'apply_queued',
  'queuing_apply',
  'pre_apply_running',
  'pre_apply_completed',
  'applying',
  'post_apply_running',
  'post_apply_completed',
  'applied',
]);

/** True once the run's plan has been confirmed, whatever happened after. */
export function isPastConfirmation(run: TfeRun): boolean {
  if (AFTER_CONFIRMATION.has(run.status)) return true;
  // An errored apply says `errored` like an errored plan; the timestamps tell them apart.
  return 'confirmed-at' in run.statusTimestamps || 'applying-at' in run.statusTimestamps;
}

const FAILED: ReadonlySet<string> = new Set(['errored', 'policy_soft_failed']);
const STOPPED: ReadonlySet<string> = new Set(['canceled', 'force_canceled', 'discarded']);

export const DEFAULT_LOG_TAIL_CHARS = 2_000;

/**
 * The terminal error for a run that ended without success, or undefined when it did not.
 * OO_ERR_TFE_RUN_ERRORED carries the tail of the failing phase's log (ANSI colours removed);
 * OO_ERR_TFE_RUN_CANCELED a run stopped by someone else.
 */
export async function runFailure(
  tfe: TfeClient,
  run: TfeRun,
  options: CallOptions & { readonly tailChars?: number } = {},
): Promise<OoError | undefined> {
  const details = { runId: run.id, status: run.status, workspaceId: run.workspaceId ?? null };
  if (STOPPED.has(run.status)) {
    return new OoError('OO_ERR_TFE_RUN_CANCELED', `TFE run ${run.id} ended ${run.status}`, {
      retryable: false,
      details,
    });
  }
  if (!FAILED.has(run.status)) return undefined;
  const { phase, logTail } = await failingPhaseLog(tfe, run, options);
  const message = `TFE run ${run.id} ended ${run.status} in its ${phase}${logTail ? `:\n${logTail}` : ''}`;
  return new OoError('OO_ERR_TFE_RUN_ERRORED', message, {
    retryable: false,
    details: { ...details, phase, logTail },
  });
}

async function failingPhaseLog(
  tfe: TfeClient,
  run: TfeRun,
  options: CallOptions & { readonly tailChars?: number },
): Promise<{ phase: 'plan' | 'apply'; logTail: string }> {
  const tailChars = options.tailChars ?? DEFAULT_LOG_TAIL_CHARS;
  const call = options.signal ? { signal: options.signal } : {};
  const phase = isPastConfirmation(run) && run.applyId ? 'apply' : 'plan';
  const source =
    phase === 'apply' && run.applyId ? { applyId: run.applyId } : run.planId ? { planId: run.planId } : null;
  if (!source) return { phase, logTail: '' };
  try {
    const log = await tfe.readWholeLog(source, { ...call, tailChars });
    return { phase, logTail: withoutAnsi(log.text).trim() };
  } catch (error) {
    // The failure matters more than its log: report it with a note instead of a second error.
    const why = error instanceof Error ? error.message : String(error);
    return { phase, logTail: `(the ${phase} log could not be read: ${why})` };
  }
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

function withoutAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export type StopAction = 'cancel' | 'discard' | 'none';

/**
 * Stops a run the way its state allows: discard while it awaits confirmation (or is still pending and
 * cannot be cancelled), cancel while it plans or applies, nothing once it is final or already being
 * cancelled. Decided from a fresh read, so repeating it is harmless; a 409 (the run moved on
 * meanwhile) is answered with a second read rather than an error.
 */
export async function stopRun(
  tfe: TfeClient,
  runId: string,
  comment: string,
  options: CallOptions = {},
): Promise<{ action: StopAction; status: string }> {
  const run = await tfe.getRun(runId, options);
  const action: StopAction = isRunFinal(run)
    ? 'none'
    : run.actions.isConfirmable
      ? 'discard'
      : run.actions.isCancelable
        ? 'cancel'
        : run.actions.isDiscardable
          ? 'discard'
          : 'none';
  if (action === 'none') return { action, status: run.status };
  try {
    if (action === 'discard') await tfe.discardRun(runId, comment, options);
    else await tfe.cancelRun(runId, comment, options);
  } catch (error) {
    if (!(error instanceof OoError) || error.code !== 'OO_ERR_TFE_CONFLICT') throw error;
    return { action: 'none', status: (await tfe.getRun(runId, options)).status };
  }
  return { action, status: run.status };
}
