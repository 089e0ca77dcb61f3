/**
 * `tfe.apply`: confirms a run that awaits confirmation. Idempotent by reading first: a run already
 * past confirmation (an earlier delivery, an operator, auto-apply) counts as applied and is not
 * confirmed again; a run still planning is looked at again later; a run that ended without needing
 * an apply (`planned_and_finished`) gives `applied: false`. The result is kept in `ctx.vars`. When
 * the OO run ends while this task is in flight, `onCancel` cancels (or discards) the TFE run.
 */
import { OoError } from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import { isPastConfirmation } from '../run-outcome.js';
import { isRunFinal, type TfeRun } from '../runs.js';
import { TfeId } from '../task-schemas.js';
import { type TerraformDeps, TFE_TASK_RETRY } from '../terraform-deps.js';
import { stopOnRunEnd } from './stop-on-run-end.js';

export const ApplyInput = z
  .object({
    runId: TfeId('run'),
    comment: z.string().max(1_000).optional(),
    /** Delay between looks while the run still plans (ms); default the runner's. */
    pollMs: z.number().int().min(10).max(600_000).optional(),
  })
  .strict();

export const ApplyOutput = z
  .object({
    /** The run's plan is confirmed (by this task or before it). */
    applied: z.boolean(),
    status: z.string(),
  })
  .strict();

export function applyTask(deps: TerraformDeps) {
  return defineTask({
    type: 'tfe.apply',
    description: 'Confirms a TFE run awaiting confirmation; a run past confirmation counts as applied.',
    input: ApplyInput,
    output: ApplyOutput,
    vars: z.object({ result: z.object({ applied: z.boolean(), status: z.string() }) }),
    retry: TFE_TASK_RETRY,
    // Only ever waits for a plan still running; a template's `timeoutMs` wins.
    timeoutMs: 2 * 60 * 60_000,
    async run(ctx, input) {
      const stored = ctx.vars.get('result');
      if (stored !== undefined) return stored;
      const tfe = deps.tfe();
      const call = { signal: ctx.signal };
      const settle = async (run: TfeRun, applied: boolean) => {
        const result = { applied, status: run.status };
        await ctx.vars.set('result', result);
        return result;
      };

      const run = await tfe.getRun(input.runId, call);
      if (isPastConfirmation(run)) return settle(run, true);
      if (isRunFinal(run)) return settle(run, false);
      if (!run.actions.isConfirmable) return ctx.again(input.pollMs ?? deps.pollMs);

      const comment = input.comment ?? `confirmed by OO ${ctx.runId}.${ctx.taskKey}`;
      try {
        await tfe.applyRun(input.runId, comment, call);
      } catch (error) {
        const unsure =
          error instanceof OoError &&
          (error.code === 'OO_ERR_TFE_CONFLICT' || error.code === 'OO_ERR_TFE_OUTCOME_UNKNOWN');
        if (!unsure) throw error;
        // Someone (or this POST) may have confirmed it meanwhile: the run's state says.
        const now = await tfe.getRun(input.runId, call);
        if (!isPastConfirmation(now)) throw error;
        return settle(now, true);
      }
      ctx.log.info({ runId: input.runId }, 'TFE run confirmed');
      return settle(await tfe.getRun(input.runId, call), true);
    },
    onCancel: (ctx, input) => stopOnRunEnd(deps, ctx, input.runId),
  });
}
