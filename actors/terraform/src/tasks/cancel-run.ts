/**
 * `tfe.cancel_run`: stops a TFE run the way its state allows (discard while it awaits confirmation,
 * cancel while it plans or applies, nothing once final). Decided from a fresh read of the run, so a
 * repeat is harmless; the action taken is kept in `ctx.vars` so a repeat after success sends nothing.
 */
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import { stopRun } from '../run-outcome.js';
import { TfeId } from '../task-schemas.js';
import { type TerraformDeps, TFE_TASK_RETRY } from '../terraform-deps.js';

export const CancelRunInput = z
  .object({ runId: TfeId('run'), comment: z.string().max(1_000).optional() })
  .strict();

export const CancelRunOutput = z
  .object({
    /** What was sent to TFE: `none` when the run was final or already being cancelled. */
    action: z.enum(['cancel', 'discard', 'none']),
    /** The run's status when it was read. */
    status: z.string(),
  })
  .strict();

export function cancelRunTask(deps: TerraformDeps) {
  return defineTask({
    type: 'tfe.cancel_run',
    description: 'Cancels or discards a TFE run, whichever its state allows.',
    input: CancelRunInput,
    output: CancelRunOutput,
    vars: z.object({
      result: z.object({ action: z.enum(['cancel', 'discard', 'none']), status: z.string() }),
    }),
    retry: TFE_TASK_RETRY,
    async run(ctx, input) {
      const stored = ctx.vars.get('result');
      if (stored !== undefined) return stored;
      const comment = input.comment ?? `cancelled by OO ${ctx.runId}.${ctx.taskKey}`;
      const result = await stopRun(deps.tfe(), input.runId, comment, { signal: ctx.signal });
      await ctx.vars.set('result', result);
      ctx.log.info({ runId: input.runId, ...result }, 'TFE run stop requested');
      return result;
    },
  });
}
