/**
 * `tfe.wait_run`: looks at a run until it awaits confirmation (`until: confirmable`) or is final
 * (`until: final`, or either way). Between looks the task is parked with `ctx.again`, holding no
 * memory, so a runner restart simply looks again. A run queued behind another one in its workspace
 * stays `pending` and is waited for like any other state, and so is `policy_override` (an operator
 * overrides the soft-mandatory policy in TFE, then the run becomes confirmable).
 *
 * A run that ends `errored` fails the task for good with the tail of the failing phase's log; one
 * stopped by someone else (`canceled`, `discarded`) with OO_ERR_TFE_RUN_CANCELED. When the OO run
 * ends while this task waits, `onCancel` cancels (or discards) the TFE run.
 */
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import { runFailure } from '../run-outcome.js';
import { isRunFinal } from '../runs.js';
import { TfeId } from '../task-schemas.js';
import { type TerraformDeps, TFE_TASK_RETRY } from '../terraform-deps.js';
import { stopOnRunEnd } from './stop-on-run-end.js';

export const WaitRunInput = z
  .object({
    runId: TfeId('run'),
    until: z.enum(['confirmable', 'final']),
    /** Delay between looks (ms); default the runner's. */
    pollMs: z.number().int().min(10).max(600_000).optional(),
    /** Characters of log kept in the error of a failed run. */
    logTailChars: z.number().int().min(100).max(100_000).optional(),
  })
  .strict();

export const WaitRunOutput = z
  .object({
    status: z.string(),
    /** Awaiting confirmation: `tfe.apply` will confirm it. */
    confirmable: z.boolean(),
    /** The plan found changes (false for `planned_and_finished`). */
    hasChanges: z.boolean(),
  })
  .strict();

/** A waiting run is given up on after this long unless the template sets `timeoutMs`. */
const DEFAULT_WAIT_TIMEOUT_MS = 6 * 60 * 60_000;

export function waitRunTask(deps: TerraformDeps) {
  return defineTask({
    type: 'tfe.wait_run',
    description:
      'Waits until a TFE run awaits confirmation or is final; a failed run fails with its log tail.',
    input: WaitRunInput,
    output: WaitRunOutput,
    vars: z.object({ lastStatus: z.string() }),
    retry: TFE_TASK_RETRY,
    timeoutMs: DEFAULT_WAIT_TIMEOUT_MS,
    async run(ctx, input) {
      const tfe = deps.tfe();
      const run = await tfe.getRun(input.runId, { signal: ctx.signal });
      if (ctx.vars.get('lastStatus') !== run.status) {
        // One line per change of status, not per look.
        ctx.log.info(
          { runId: run.id, status: run.status, positionInQueue: run.positionInQueue ?? null },
          'TFE run status',
        );
        await ctx.vars.set('lastStatus', run.status);
      }
      const failure = await runFailure(tfe, run, {
        signal: ctx.signal,
        ...(input.logTailChars === undefined ? {} : { tailChars: input.logTailChars }),
      });
      if (failure) throw failure;
      const confirmable = run.actions.isConfirmable;
      if ((input.until === 'confirmable' && confirmable) || isRunFinal(run)) {
        return { status: run.status, confirmable, hasChanges: run.hasChanges };
      }
      return ctx.again(input.pollMs ?? deps.pollMs);
    },
    onCancel: (ctx, input) => stopOnRunEnd(deps, ctx, input.runId),
  });
}
