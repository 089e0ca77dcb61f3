/**
 * A task's success reported after its run ended. Cancelling or failing a run cancels the tasks it
 * has in flight, but a task past its point of no return (or one that ignores `ctx.signal`) still
 * finishes, and its side effect happened: a VM exists. The run keeps its end; the task is recorded
 * `succeeded` with its output, so a `resume` rerun carries it over instead of doing the work again.
 *
 * Only a top-level runner task the end cancelled, for the attempt that was in flight, and only
 * within LATE_SUCCESS_WINDOW_MS of the run's end: the engine's retention removes ended runs (days
 * later) expecting nobody to write them. A forEach element's entry is gone with its run's end, and a
 * child-run task hears from its child run (cancelled with it) instead.
 *
 * The runner's end event announced the success already: the `announced` task event only makes the
 * run store write the state, and sends nothing.
 */

import { holdsRef } from './output-refs.js';
import type { PlannerEvent, PlanResult, TaskEnd } from './planner-types.js';
import { parseTaskKey, type RunState } from './run-state.js';

/** How long after its run's end a task's success is still recorded (ms). */
export const LATE_SUCCESS_WINDOW_MS = 24 * 60 * 60_000;

/** `state` (an ended run) with `report` recorded if it is a late success; else unchanged, no commands. */
export function recordLateSuccess(state: RunState, report: TaskEnd, at: string): PlanResult {
  const unchanged: PlanResult = { state, commands: [] };
  const task = state.tasks[report.taskKey];
  if (report.status !== 'succeeded' || report.runId !== state.runId) return unchanged;
  if (task?.status !== 'cancelled' || task.childRunId || task.forEach) return unchanged;
  if (parseTaskKey(report.taskKey).index !== undefined || report.attempt !== task.attempt) return unchanged;
  const endedAt = Date.parse(state.finishedAt ?? state.updatedAt);
  if (!(Date.parse(at) - endedAt <= LATE_SUCCESS_WINDOW_MS)) return unchanged;

  task.status = 'succeeded';
  task.finishedAt = at;
  delete task.error;
  if (report.output !== undefined) task.output = report.output;
  if (holdsRef(report.output)) state.outputRefs = true;
  state.updatedAt = at;
  const { output, startedAt } = report;
  return {
    state,
    commands: [
      {
        kind: 'task-event',
        announced: true,
        event: {
          runId: state.runId,
          taskKey: report.taskKey,
          type: task.type,
          status: 'succeeded',
          attempt: report.attempt,
          ...(output === undefined ? {} : { output }),
          ...(startedAt === undefined ? {} : { startedAt }),
          at,
        },
      },
    ],
  };
}

/** The late successes among the events of one step of an ended run, recorded in turn. */
export function recordLateSuccesses(state: RunState, events: readonly PlannerEvent[]): PlanResult {
  const commands: PlanResult['commands'] = [];
  for (const event of events) {
    if (event.kind === 'report') commands.push(...recordLateSuccess(state, event.report, event.at).commands);
  }
  return { state, commands };
}
