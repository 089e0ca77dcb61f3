/**
 * `tfe.create_run`: queues one TFE run for the configuration version. Exactly once:
 *   - the run id is kept in `ctx.vars`; a repeat after success returns it;
 *   - the message carries the marker `[oo:<runId>.<taskKey>]`, and the time of the POST is stored
 *     before it is sent. A later delivery that finds a POST recorded but no run id (a crash, or an
 *     answer that never came) looks the run up by its marker before creating anything;
 *   - the POST itself is never retried by the client: a lost answer is OO_ERR_TFE_OUTCOME_UNKNOWN,
 *     answered here with a lookup, and only the next attempt (which looks again first) may POST.
 * When the OO run ends while this task is in flight, `onCancel` stops the run it created (found by
 * id, or by marker when the POST's answer was lost), so no orphan run holds the workspace.
 */
import { OoError } from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import { markedMessage, runMarker } from '../run-marker.js';
import type { TfeRun } from '../runs.js';
import { TfeId } from '../task-schemas.js';
import { type TerraformDeps, TFE_TASK_RETRY } from '../terraform-deps.js';
import { stopOnRunEnd } from './stop-on-run-end.js';

export const CreateRunInput = z
  .object({
    workspaceId: TfeId('ws'),
    /** Default: the workspace's latest configuration version. */
    configurationVersionId: TfeId('cv').optional(),
    message: z.string().min(1).max(1_000),
    isDestroy: z.boolean().optional(),
    /** Default: the workspace's `auto-apply`. */
    autoApply: z.boolean().optional(),
  })
  .strict();

export const CreateRunOutput = z.object({ runId: TfeId('run') }).strict();

export function createRunTask(deps: TerraformDeps) {
  return defineTask({
    type: 'tfe.create_run',
    description: 'Queues a TFE run, never twice: a lost answer is resolved by the marker in its message.',
    input: CreateRunInput,
    output: CreateRunOutput,
    vars: z.object({ runId: z.string(), postedAt: z.number() }),
    retry: TFE_TASK_RETRY,
    async run(ctx, input) {
      const stored = ctx.vars.get('runId');
      if (stored !== undefined) return { runId: stored };
      const tfe = deps.tfe();
      const call = { signal: ctx.signal };
      const marker = runMarker(ctx.runId, ctx.taskKey);
      const adopt = async (run: TfeRun, how: string) => {
        await ctx.vars.set('runId', run.id);
        ctx.log.info({ runId: run.id, status: run.status, marker }, how);
        return { runId: run.id };
      };

      if (ctx.vars.get('postedAt') !== undefined) {
        const earlier = await tfe.findRunByMessage(input.workspaceId, marker, call);
        if (earlier) return adopt(earlier, 'TFE run found by its marker: not created again');
      }
      await ctx.vars.set('postedAt', ctx.clock.now());
      let run: TfeRun;
      try {
        run = await tfe.createRun(
          {
            workspaceId: input.workspaceId,
            ...(input.configurationVersionId ? { configurationVersionId: input.configurationVersionId } : {}),
            message: markedMessage(input.message, marker),
            ...(input.isDestroy === undefined ? {} : { isDestroy: input.isDestroy }),
            ...(input.autoApply === undefined ? {} : { autoApply: input.autoApply }),
          },
          call,
        );
      } catch (error) {
        if (!(error instanceof OoError) || error.code !== 'OO_ERR_TFE_OUTCOME_UNKNOWN') throw error;
        const created = await tfe.findRunByMessage(input.workspaceId, marker, call);
        if (created) return adopt(created, 'TFE run created although its answer was lost');
        // Still unknown: the next attempt looks again before it may POST.
        throw error;
      }
      return adopt(run, 'TFE run created');
    },
    async onCancel(ctx, input) {
      let runId = ctx.vars.get('runId');
      if (runId === undefined && ctx.vars.get('postedAt') !== undefined) {
        const marker = runMarker(ctx.runId, ctx.taskKey);
        runId = (await deps.tfe().findRunByMessage(input.workspaceId, marker, { signal: ctx.signal }))?.id;
      }
      if (runId !== undefined) await stopOnRunEnd(deps, ctx, runId);
    },
  });
}
