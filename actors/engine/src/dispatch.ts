/**
 * Dispatching one task (or forEach element): evaluate its input, then either schedule it on a runner
 * or, for `workflow.run`, start a child run. The same evaluation rebuilds the command on reconcile.
 */
import {
  type ErrorData,
  exceedsUtf8Bytes,
  issuesText,
  RunId,
  schemaIssues,
  TEMPLATE_NAME,
} from '@oo/contracts';
import { z } from 'zod';
import { evaluateValue } from './expressions.js';
import type { CompiledTask } from './loaded-template.js';
import { emitTask, errorData, failureOf, type PlanStep, scopeOf, timeOf } from './plan-step.js';
import type { PlannerCommand } from './planner-types.js';
import type { TaskState } from './run-state.js';

const ChildInput = z
  .object({
    template: z.string().regex(TEMPLATE_NAME, 'must be a template name'),
    version: z.number().int().min(1).optional(),
    input: z.unknown(),
  })
  .strict();

export interface Element {
  readonly item: unknown;
  readonly index: number;
}

/** `run1.deploy[2]` -> `run1.deploy-2`: run ids allow letters, digits, `_`, `.` and `-` only. */
export function childRunIdOf(runId: string, taskKey: string): string {
  return `${runId}.${taskKey.replace('[', '-').replace(']', '')}`;
}

/**
 * An input that cannot travel in a message: sent, its publish would fail every time and leave the
 * task in flight (a child-run task for ever). Reading a large output whole (`=tasks.a.output`, kept
 * by reference) is the usual way there: pass the fields the task needs instead.
 */
function oversized(key: string, input: unknown, max: number | undefined): ErrorData | undefined {
  if (max === undefined) return undefined;
  const json = JSON.stringify(input) ?? '';
  if (!exceedsUtf8Bytes(json, max)) return undefined;
  const bytes = Buffer.byteLength(json);
  return errorData(
    'OO_ERR_WORKFLOW_TASK_INPUT',
    `${key}: its input is ${bytes} bytes of JSON, over the ${max} a task message may carry; ` +
      'pass the fields it needs rather than a large output whole',
    { task: key, bytes, maxBytes: max },
  );
}

/** The schedule or start-child command for a task, or the error that makes the task fail. */
export async function commandFor(
  step: PlanStep,
  key: string,
  ct: CompiledTask,
  task: TaskState,
  element?: Element,
): Promise<PlannerCommand | { error: ErrorData }> {
  let input: unknown;
  try {
    input = await evaluateValue(ct.input, scopeOf(step, timeOf(step, task), element));
  } catch (thrown) {
    return { error: failureOf(thrown, key) };
  }
  const tooLarge = oversized(key, input, step.limits.maxInputBytes);
  if (tooLarge) return { error: tooLarge };
  const spec = ct.spec;
  if (!ct.child) {
    return {
      kind: 'schedule',
      taskKey: key,
      type: spec.type,
      attempt: Math.max(task.attempt, 1),
      input,
      ...(spec.retry ? { retry: spec.retry } : {}),
      ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }),
    };
  }
  const parsed = ChildInput.safeParse(input);
  if (!parsed.success) {
    const issues = schemaIssues(parsed.error);
    const text = issuesText(issues, '(input)');
    return {
      error: errorData(
        'OO_ERR_WORKFLOW_CHILD_INPUT_INVALID',
        `${key}: workflow.run input is invalid: ${text}`,
        {
          task: key,
          issues,
        },
      ),
    };
  }
  const childRunId = childRunIdOf(step.state.runId, key);
  // A start that cannot be published would leave the task running for ever (reconciled in vain).
  if (!RunId.safeParse(childRunId).success) {
    return {
      error: errorData(
        'OO_ERR_WORKFLOW_CHILD_INPUT_INVALID',
        `${key}: its child run id ${childRunId} is ${childRunId.length} characters, over the ` +
          `${RunId.maxLength} a run id may have: nest fewer workflow.run levels or use shorter task ids`,
        { task: key, childRunId },
      ),
    };
  }
  return {
    kind: 'start-child',
    taskKey: key,
    childRunId,
    template: parsed.data.template,
    ...(parsed.data.version === undefined ? {} : { version: parsed.data.version }),
    input: parsed.data.input,
  };
}

/**
 * Dispatches a task whose `scheduledAt` is set: emits its command and its `scheduled` event (`running`
 * for a child run). Returns the error instead when its input cannot be built; the caller fails it.
 */
export async function dispatch(
  step: PlanStep,
  key: string,
  ct: CompiledTask,
  task: TaskState,
  element?: Element,
): Promise<ErrorData | undefined> {
  const command = await commandFor(step, key, ct, task, element);
  if ('error' in command) return command.error;
  task.attempt = Math.max(task.attempt, 1);
  if (command.kind === 'start-child') {
    task.status = 'running';
    task.childRunId = command.childRunId;
  } else {
    task.status = 'scheduled';
  }
  step.commands.push(command);
  emitTask(step, key, task, task.status, task.attempt);
  return undefined;
}
