/**
 * What the TFE tasks' `onCancel` does: when the OO run ends (cancelled, or failed by another task)
 * while a task still has a TFE run in hand, that run is stopped too, so it neither applies something
 * nobody wants any more nor holds its workspace (TFE runs one run per workspace at a time).
 */
import type { TaskCancelContext } from '@oo/runtime';
import { stopRun } from '../run-outcome.js';
import type { TerraformDeps } from '../terraform-deps.js';

export async function stopOnRunEnd(
  deps: TerraformDeps,
  ctx: Pick<TaskCancelContext, 'runId' | 'taskKey' | 'reason' | 'signal' | 'log'>,
  tfeRunId: string,
): Promise<void> {
  const how = String(ctx.reason.details?.runStatus ?? 'cancelled');
  const comment = `OO run ${ctx.runId} ${how} while ${ctx.taskKey} was in progress`;
  const result = await stopRun(deps.tfe(), tfeRunId, comment, { signal: ctx.signal });
  ctx.log.info(
    { runId: tfeRunId, ...result, reason: ctx.reason.message },
    'TFE run stopped: its OO run ended',
  );
}
