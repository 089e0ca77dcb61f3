/**
 * The DAG planner: `(template, state, event) -> { state, commands }`, deterministic, with no clock,
 * randomness or I/O (time comes in `event.at`, ids are derived). The engine actor stores the state
 * with compare-and-set and executes the commands; it may replay an event after a lost race, and
 * duplicates of any event change nothing.
 */
import { OoError } from '@oo/contracts';
import { recordLateSuccess } from './late-success.js';
import type { LoadedTemplate } from './loaded-template.js';
import { NO_OUTPUTS, type ResolvedOutputs, unreadable } from './output-refs.js';
import { errorData, newStep, type PlanStep } from './plan-step.js';
import type { PlanLimits, PlannerCommand, PlannerEvent, PlanResult } from './planner-types.js';
import { reconcile } from './reconcile.js';
import { cancelRun, failRun } from './run-end.js';
import { isInFlightTask, isTerminalRun, type RunState } from './run-state.js';
import { startRun } from './start-run.js';
import { drain, finishKey } from './task-flow.js';

/**
 * Applies one event to a run.
 *
 * Ownership: `state` is updated in place and returned (a copy per event would make every event cost
 * O(tasks in the run)). Pass a copy (`structuredClone`) if you still need the previous state; a state
 * read fresh from KV for each attempt needs none.
 *
 * `resolved` holds the values of the outputs kept by reference that planning may read (every
 * reference in the state, and the one the event brings; see output-refs.ts). A reported or
 * child-run output that cannot be read fails its task with OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE.
 *
 * Events for a finished run, duplicate reports and reports for tasks not in flight return the state
 * unchanged with no commands, but for the success of a task the run's end cancelled, which it
 * records (late-success.ts). A second `start` for an existing run is likewise ignored.
 *
 * `limits`: a task whose input passes `maxInputBytes` fails with OO_ERR_WORKFLOW_TASK_INPUT.
 *
 * @throws OoError OO_ERR_WORKFLOW_RUN_NOT_FOUND when `state` is undefined and the event is not `start`.
 */
export async function plan(
  template: LoadedTemplate,
  state: RunState | undefined,
  event: PlannerEvent,
  resolved: ResolvedOutputs = NO_OUTPUTS,
  limits: PlanLimits = {},
): Promise<PlanResult> {
  if (event.kind === 'start') {
    if (state) return { state, commands: [] };
    return startRun(template, event, resolved, limits);
  }
  if (!state) {
    throw new OoError('OO_ERR_WORKFLOW_RUN_NOT_FOUND', `no state for the run of a ${event.kind} event`, {
      retryable: false,
      details: { event: event.kind },
    });
  }
  if (isTerminalRun(state.status)) {
    return event.kind === 'report'
      ? recordLateSuccess(state, event.report, event.at)
      : { state, commands: [] };
  }
  const step = newStep(template, state, event.at, resolved, limits);
  switch (event.kind) {
    case 'report':
      await onReport(step, event.report);
      break;
    case 'child-finished':
      await onChildFinished(step, event);
      break;
    case 'cancel':
      cancelRun(step, event.reason);
      break;
    case 'fail':
      failRun(step, undefined, event.error);
      break;
    case 'reconcile':
      await reconcile(step, event.abandon);
      break;
  }
  return finish(step);
}

function finish(step: PlanStep): PlanResult {
  // Every transition emits an event; reconcile re-emits commands without changing anything.
  if (step.commands.some(isTransition)) step.state.updatedAt = step.at;
  return { state: step.state, commands: step.commands };
}

function isTransition(c: PlannerCommand): boolean {
  return c.kind === 'task-event' || c.kind === 'run-event';
}

async function onReport(step: PlanStep, report: Extract<PlannerEvent, { kind: 'report' }>['report']) {
  const task = step.state.tasks[report.taskKey];
  // Unknown key, not in flight (a duplicate), a child-run task (those end with child-finished) or a
  // forEach parent (its elements report instead).
  if (!task || report.runId !== step.state.runId || task.childRunId || task.forEach) return;
  if (!isInFlightTask(task.status)) return;
  const lost =
    report.status === 'succeeded' ? unreadable(step.resolved, report.taskKey, report.output) : undefined;
  // The runner's end event told everyone already, unless the engine decides otherwise (lost).
  const announced = !lost;
  const result =
    report.status === 'succeeded' && !lost
      ? { output: report.output, attempt: report.attempt, startedAt: report.startedAt, announced }
      : {
          announced,
          startedAt: report.startedAt,
          error:
            lost ??
            report.error ??
            errorData('OO_ERR_WORKFLOW_TASK_FAILED', `${report.taskKey} failed without an error`, {
              task: report.taskKey,
            }),
          attempt: report.attempt,
        };
  await finishKey(step, report.taskKey, lost ? 'failed' : report.status, result);
  await drain(step);
}

async function onChildFinished(step: PlanStep, event: Extract<PlannerEvent, { kind: 'child-finished' }>) {
  const task = step.state.tasks[event.taskKey];
  if (task?.status !== 'running' || task.childRunId !== event.childRunId) return;
  const lost =
    event.status === 'succeeded' ? unreadable(step.resolved, event.taskKey, event.output) : undefined;
  if (lost) {
    await finishKey(step, event.taskKey, 'failed', { error: lost, attempt: task.attempt });
  } else if (event.status === 'succeeded') {
    await finishKey(step, event.taskKey, 'succeeded', { output: event.output, attempt: task.attempt });
  } else {
    const error =
      event.error ??
      errorData('OO_ERR_WORKFLOW_CHILD_FAILED', `child run ${event.childRunId} ended ${event.status}`, {
        task: event.taskKey,
        childRunId: event.childRunId,
      });
    await finishKey(step, event.taskKey, 'failed', { error, attempt: task.attempt });
  }
  await drain(step);
}
