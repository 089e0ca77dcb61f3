/**
 * The task types this installation's runners host, plus `workflow.run`, which the engine runs
 * itself. Templates naming any other type are refused when loaded.
 */
import { ANSIBLE_TASK_TYPES } from '@oo/ansible';
import { CHILD_RUN_TASK_TYPE } from '@oo/engine';
import { RFM_TASK_TYPES } from '@oo/rfm';
import { builtinTasks } from '@oo/runner';
import { TERRAFORM_TASK_TYPES } from '@oo/terraform';

export function knownTaskTypes(): ReadonlySet<string> {
  return new Set([
    CHILD_RUN_TASK_TYPE,
    ...builtinTasks.map((t) => t.type),
    ...TERRAFORM_TASK_TYPES,
    ...ANSIBLE_TASK_TYPES,
    ...RFM_TASK_TYPES,
  ]);
}
