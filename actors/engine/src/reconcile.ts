/**
 * Reconcile: the periodic safety net that guarantees no run stays `running` forever. It republishes
 * the commands of everything in flight (JetStream drops repeats inside the dedupe window), recounts
 * the counters the fast path relies on, starts tasks that should have started and finishes the run
 * when nothing is left. It scans the whole run, which is fine for a timer, not for every event.
 * Tasks the reconciler found unattended for too long (`abandon`) fail instead of going out again.
 */
import { commandFor } from './dispatch.js';
import { fillElements, itemsOf } from './for-each.js';
import { errorData, failureOf, type PlanStep } from './plan-step.js';
import type { AbandonedTask } from './planner-types.js';
import { isForEachParent, isInFlightTask, isTerminalTask, parseTaskKey } from './run-state.js';
import { drain, finishForEach, finishKey } from './task-flow.js';

export async function reconcile(step: PlanStep, abandon: readonly AbandonedTask[] = []): Promise<void> {
  const { state, tpl } = step;
  let open = 0;
  for (const id of tpl.order) {
    const task = state.tasks[id];
    if (task && isTerminalTask(task.status)) continue;
    open++;
    // No entry: pending, and none of its needs has finished (task-flow.ts makes it when one does).
    if (task?.status !== 'pending') continue;
    let waiting = 0;
    for (const need of tpl.tasks.get(id)!.needs) {
      const n = state.tasks[need];
      if (!n || !isTerminalTask(n.status)) waiting++;
    }
    task.waiting = waiting;
    if (waiting === 0) step.ready.push(id);
  }
  state.open = open;

  // Given up first: a failure that ends the run leaves nothing to send again.
  for (const { taskKey, attempt, since } of abandon) {
    const task = state.tasks[taskKey];
    if (state.status !== 'running') return;
    if (!task || !isInFlightTask(task.status) || task.attempt !== attempt) continue;
    if (task.childRunId || isForEachParent(taskKey, task)) continue;
    const error = errorData(
      'OO_ERR_WORKFLOW_TASK_ABANDONED',
      `no runner has taken or finished task ${taskKey} (type ${task.type}) since ${since}, ` +
        `though it was sent again; is a runner hosting ${task.type} running?`,
      { task: taskKey, type: task.type, since },
    );
    await finishKey(step, taskKey, 'failed', { error, attempt });
  }

  for (const [key, task] of Object.entries(state.tasks)) {
    if (state.status !== 'running') return;
    // Skip entries an earlier iteration removed (elements cancelled with their failed parent).
    if (state.tasks[key] !== task) continue;
    if (!isInFlightTask(task.status)) continue;
    const { id, index } = parseTaskKey(key);
    const ct = tpl.tasks.get(id)!;
    if (task.forEach && index === undefined) {
      // A parent with free slots or all elements done (a state written by an older planner).
      finishForEach(step, id, await fillElements(step, ct, task));
      continue;
    }
    const parent = index === undefined ? undefined : state.tasks[id]?.forEach;
    let element: { item: unknown; index: number } | undefined;
    try {
      element = index === undefined ? undefined : { item: parent && itemsOf(step, id, parent)[index], index };
    } catch (thrown) {
      await finishKey(step, key, 'failed', { error: failureOf(thrown, key), attempt: task.attempt });
      continue;
    }
    const command = await commandFor(step, key, ct, task, element);
    if ('error' in command)
      await finishKey(step, key, 'failed', { error: command.error, attempt: task.attempt });
    else step.commands.push(command);
  }
  await drain(step);
}
