/**
 * The task types this installation's runners host, plus `workflow.run`, which the engine runs
 * itself. Templates naming any other type are refused when loaded.
 */
import { CHILD_RUN_TASK_TYPE } from '@oo/engine';
import { builtinTasks } from '@oo/runner';

export function knownTaskTypes(): ReadonlySet<string> {
  return new Set([CHILD_RUN_TASK_TYPE, ...builtinTasks.map((t) => t.type)]);
}
