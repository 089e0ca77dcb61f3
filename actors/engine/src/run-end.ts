/**
 * How a run ends: it completes (output mapping), fails (a task with onFailure 'fail' failed) or is
 * cancelled. Failing and cancelling scan every task once; that happens once per run.
 */
import type { ErrorData } from '@oo/contracts';
import { evaluateValue } from './expressions.js';
import { emitRun, emitTask, errorData, failureOf, type PlanStep, pendingEntry } from './plan-step.js';
import type { PlannerCommand } from './planner-types.js';
import { isInFlightTask, isTerminalTask, parseTaskKey, type RunState } from './run-state.js';

/** Every task is terminal and none failed the run: evaluate the output mapping. */
export async function completeRun(step: PlanStep): Promise<void> {
  const state = step.state;
  try {
    const output = await evaluateValue(step.tpl.output, {
      input: state.input,
      tasks: step.tasks,
      run: step.run,
      time: step.at,
    });
    state.status = 'succeeded';
    state.output = output;
  } catch (thrown) {
    state.status = 'failed';
    state.error = failureOf(thrown);
  }
  state.finishedAt = step.at;
  emitRun(step);
}

/**
 * The run fails: the task `taskKey` failed with onFailure 'fail', or (no task) the engine cannot go
 * on with the run. Pending tasks are skipped, the rest cancelled.
 */
export function failRun(step: PlanStep, taskKey: string | undefined, error: ErrorData): void {
  const state = step.state;
  state.status = 'failed';
  state.error = error;
  if (taskKey !== undefined) state.failedTask = taskKey;
  closeOpenTasks(step, 'skipped', taskKey === undefined ? error.message : `run failed: ${taskKey} failed`);
  state.finishedAt = step.at;
  emitRun(step);
}

export function cancelRun(step: PlanStep, reason: string): void {
  const state = step.state;
  state.status = 'cancelled';
  state.error = errorData('OO_ERR_CANCELLED', reason);
  closeOpenTasks(step, 'cancelled', reason);
  state.finishedAt = step.at;
  emitRun(step);
}

/**
 * What announced the end of the ended run `state`, to send again when the write that ended it may
 * have been the last thing an engine did (killed before its publishes): its run event (and with it
 * the `run_ends` record and the parent's notice) and the cancel of each child run it stopped. The
 * dedupe ids are those of the first announcement.
 */
export function endCommands(state: RunState): PlannerCommand[] {
  const sink = { state, at: state.finishedAt ?? state.updatedAt, commands: [] as PlannerCommand[] };
  emitRun(sink);
  const reason = state.error?.message ?? state.status;
  for (const task of Object.values(state.tasks)) {
    if (task.childRunId !== undefined && task.status === 'cancelled') {
      sink.commands.push({ kind: 'cancel-child', childRunId: task.childRunId, reason });
    }
  }
  return sink.commands;
}

/**
 * Ends every open task (pending ones as `pendingBecomes`, those without an entry included) and stops
 * what is in flight. Top-level tasks in template order, then forEach elements: the same events in
 * the same order whatever order the state holds its tasks in.
 */
function closeOpenTasks(step: PlanStep, pendingBecomes: 'skipped' | 'cancelled', reason: string): void {
  const tasks = step.state.tasks;
  const taskKeys: string[] = [];
  const keys = [...step.tpl.tasks.keys(), ...Object.keys(tasks).filter((key) => key.includes('['))];
  for (const key of keys) {
    const task = tasks[key] ?? pendingEntry(step, key);
    if (isTerminalTask(task.status)) continue;
    const inFlight = isInFlightTask(task.status);
    const status = task.status === 'pending' ? pendingBecomes : 'cancelled';
    emitTask(step, key, task, status, task.attempt);
    if (inFlight && task.childRunId) {
      step.commands.push({ kind: 'cancel-child', childRunId: task.childRunId, reason });
    } else if (inFlight && !task.forEach) {
      taskKeys.push(key);
    }
    if (parseTaskKey(key).index !== undefined) {
      // Elements keep entries only while in flight.
      delete tasks[key];
      continue;
    }
    task.status = status;
    task.finishedAt = step.at;
    delete task.waiting;
    if (task.forEach) {
      delete task.forEach.items;
      delete task.forEach.outputs;
    }
  }
  step.state.open = 0;
  if (taskKeys.length > 0) step.commands.push({ kind: 'cancel-tasks', taskKeys });
}
