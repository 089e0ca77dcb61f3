/**
 * Task transitions. A finished task decrements the `waiting` count of each dependant (making its
 * entry if it had none yet) and queues the ones that reach zero, so an event costs O(the tasks it
 * affects), not O(tasks in the run).
 */
import type { ErrorData } from '@oo/contracts';
import { dispatch } from './dispatch.js';
import { evaluateExpression, truthy } from './expressions.js';
import { type ForEachOutcome, finishElement, startForEach } from './for-each.js';
import { holdsRef } from './output-refs.js';
import { emitTask, failureOf, type PlanStep, pendingEntry, scopeOf } from './plan-step.js';
import { completeRun, failRun } from './run-end.js';
import { parseTaskKey } from './run-state.js';

export interface TaskResult {
  readonly output?: unknown;
  readonly error?: ErrorData;
  /** Attempt number for the task event (the runner's attempt count on a report). */
  readonly attempt: number;
  /** When the runner started the attempt (from its report). */
  readonly startedAt?: string;
  /** The outcome is the runner's own end event: the engine sends no event of its own for it. */
  readonly announced?: boolean;
}

/** Ends a top-level task, applies its onFailure rule and queues dependants that became ready. */
export function finishTask(
  step: PlanStep,
  id: string,
  status: 'succeeded' | 'failed' | 'skipped',
  result: TaskResult,
): void {
  const task = step.state.tasks[id]!;
  const ct = step.tpl.tasks.get(id)!;
  task.status = status;
  task.finishedAt = step.at;
  delete task.waiting;
  if (result.output !== undefined) task.output = result.output;
  if (holdsRef(result.output)) step.state.outputRefs = true;
  if (result.error !== undefined) task.error = result.error;
  if (task.forEach) {
    delete task.forEach.items;
    delete task.forEach.outputs;
  }
  emitTask(step, id, task, status, result.attempt, result);
  step.state.open--;
  if (status === 'failed' && ct.spec.onFailure === 'fail') {
    failRun(step, id, result.error!);
    return;
  }
  for (const dependant of ct.dependants) {
    const d = step.state.tasks[dependant] ?? pendingEntry(step, dependant);
    if (d.status !== 'pending' || d.waiting === undefined) continue;
    d.waiting--;
    if (d.waiting === 0) step.ready.push(dependant);
  }
}

/** Ends a task or a forEach element (`a[3]`) that was in flight. */
export async function finishKey(
  step: PlanStep,
  key: string,
  status: 'succeeded' | 'failed',
  result: TaskResult,
): Promise<void> {
  const { id, index } = parseTaskKey(key);
  if (index === undefined) {
    finishTask(step, id, status, result);
    return;
  }
  const outcome = await finishElement(step, step.tpl.tasks.get(id)!, index, status, result);
  finishForEach(step, id, outcome);
}

export function finishForEach(step: PlanStep, id: string, outcome: ForEachOutcome): void {
  if (!outcome) return;
  const attempt = step.state.tasks[id]!.attempt;
  if (outcome.status === 'succeeded') finishTask(step, id, 'succeeded', { output: outcome.output, attempt });
  else finishTask(step, id, 'failed', { error: outcome.error, attempt });
}

/** A task whose needs have all finished: evaluate `when`, then dispatch it (or its forEach elements). */
async function startTask(step: PlanStep, id: string): Promise<void> {
  const task = step.state.tasks[id];
  if (task?.status !== 'pending') return;
  const ct = step.tpl.tasks.get(id)!;
  task.scheduledAt = step.at;
  delete task.waiting;
  if (ct.when) {
    let pass: boolean;
    try {
      pass = truthy(await evaluateExpression(ct.when, scopeOf(step, step.at)));
    } catch (thrown) {
      finishTask(step, id, 'failed', { error: failureOf(thrown, id), attempt: 0 });
      return;
    }
    if (!pass) {
      finishTask(step, id, 'skipped', { attempt: 0 });
      return;
    }
  }
  if (ct.forEach) {
    finishForEach(step, id, await startForEach(step, ct, task));
    return;
  }
  const error = await dispatch(step, id, ct, task);
  if (error) finishTask(step, id, 'failed', { error, attempt: 0 });
}

/** Starts every queued task (and those they make ready), then completes the run if nothing is open. */
export async function drain(step: PlanStep): Promise<void> {
  for (let i = 0; i < step.ready.length && step.state.status === 'running'; i++) {
    await startTask(step, step.ready[i]!);
  }
  step.ready.length = 0;
  if (step.state.status === 'running' && step.state.open === 0) await completeRun(step);
}
