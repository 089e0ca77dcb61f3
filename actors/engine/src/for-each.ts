/**
 * forEach tasks: one element `<id>[<index>]` per item, at most `concurrency` in flight, dispatched in
 * index order. Only elements in flight have entries in the run state; one below `forEach.next` without
 * an entry has finished. These functions report how the parent ended and leave finishing it to the caller.
 */
import { type ErrorData, isOutputRef } from '@oo/contracts';
import { dispatch } from './dispatch.js';
import { evaluateExpression } from './expressions.js';
import type { CompiledTask } from './loaded-template.js';
import { holdsRef, loadedValue, unreadableRef } from './output-refs.js';
import { emitTask, errorData, failureOf, type PlanStep, scopeOf, timeOf } from './plan-step.js';
import { elementKey, type ForEachState, type TaskState } from './run-state.js';

/** How the parent ended; `undefined` while elements are still in flight. */
export type ForEachOutcome =
  | { readonly status: 'succeeded'; readonly output: unknown[] }
  | { readonly status: 'failed'; readonly error: ErrorData }
  | undefined;

/** Evaluates the items of a ready forEach task and dispatches the first elements. */
export async function startForEach(
  step: PlanStep,
  ct: CompiledTask,
  parent: TaskState,
): Promise<ForEachOutcome> {
  let items: unknown;
  try {
    items = await evaluateExpression(ct.forEach!.items, scopeOf(step, timeOf(step, parent)));
  } catch (thrown) {
    return { status: 'failed', error: failureOf(thrown, ct.id) };
  }
  if (!Array.isArray(items)) {
    const got = items === undefined ? 'nothing' : items === null ? 'null' : typeof items;
    return {
      status: 'failed',
      error: errorData(
        'OO_ERR_WORKFLOW_FOREACH_ITEMS',
        `${ct.id}: forEach.items evaluated to ${got}, not an array`,
        {
          task: ct.id,
        },
      ),
    };
  }
  if (items.length === 0) return { status: 'succeeded', output: [] };
  parent.status = 'running';
  parent.forEach = { total: items.length, next: 0, done: 0, items, outputs: items.map(() => null) };
  emitTask(step, ct.id, parent, 'running', parent.attempt);
  return fillElements(step, ct, parent);
}

/**
 * The items of a forEach in flight, read through their reference when they are kept by one.
 * @throws OoError OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE when the referenced items cannot be read
 */
export function itemsOf(step: PlanStep, id: string, fe: ForEachState): readonly unknown[] {
  const items = fe.items;
  if (!isOutputRef(items)) return items ?? [];
  const loaded = loadedValue(step.resolved, items);
  if ('value' in loaded && Array.isArray(loaded.value)) return loaded.value;
  const reason = 'reason' in loaded ? loaded.reason : 'is not an array';
  throw unreadableRef(`items of forEach task ${id}`, items, reason, { task: id });
}

/** Dispatches elements until `concurrency` are in flight or none are left. */
export async function fillElements(
  step: PlanStep,
  ct: CompiledTask,
  parent: TaskState,
): Promise<ForEachOutcome> {
  const fe = parent.forEach!;
  const concurrency = ct.forEach!.concurrency;
  let items: readonly unknown[] | undefined;
  while (fe.next < fe.total && fe.next - fe.done < concurrency) {
    try {
      items ??= itemsOf(step, ct.id, fe);
    } catch (thrown) {
      return failForEach(step, ct, parent, failureOf(thrown, ct.id));
    }
    const index = fe.next++;
    const key = elementKey(ct.id, index);
    const element: TaskState = { type: parent.type, status: 'pending', attempt: 0, scheduledAt: step.at };
    const error = await dispatch(step, key, ct, element, { item: items[index], index });
    if (error) {
      fe.done++;
      emitTask(step, key, element, 'failed', 0, { error });
      return failForEach(step, ct, parent, error);
    }
    step.state.tasks[key] = element;
  }
  return fe.done === fe.total ? { status: 'succeeded', output: fe.outputs ?? [] } : undefined;
}

/** Records an element's final outcome (its entry is removed) and dispatches the next one. */
export async function finishElement(
  step: PlanStep,
  ct: CompiledTask,
  index: number,
  status: 'succeeded' | 'failed',
  result: { output?: unknown; error?: ErrorData; attempt: number; startedAt?: string; announced?: boolean },
): Promise<ForEachOutcome> {
  const parent = step.state.tasks[ct.id]!;
  const fe = parent.forEach!;
  const key = elementKey(ct.id, index);
  const element = step.state.tasks[key]!;
  delete step.state.tasks[key];
  fe.done++;
  if (status === 'failed') {
    const error = result.error!;
    emitTask(step, key, element, 'failed', result.attempt, {
      error,
      startedAt: result.startedAt,
      announced: result.announced,
    });
    return failForEach(step, ct, parent, error);
  }
  emitTask(step, key, element, 'succeeded', result.attempt, {
    output: result.output,
    startedAt: result.startedAt,
    announced: result.announced,
  });
  if (fe.outputs) fe.outputs[index] = result.output ?? null;
  if (holdsRef(result.output)) step.state.outputRefs = true;
  return fillElements(step, ct, parent);
}

// The first failed element fails the parent: dispatch no more, cancel those in flight.
function failForEach(step: PlanStep, ct: CompiledTask, parent: TaskState, error: ErrorData): ForEachOutcome {
  const fe = parent.forEach!;
  const taskKeys: string[] = [];
  for (let index = 0; index < fe.next; index++) {
    const key = elementKey(ct.id, index);
    const element = step.state.tasks[key];
    if (!element) continue;
    delete step.state.tasks[key];
    emitTask(step, key, element, 'cancelled', element.attempt);
    if (element.childRunId) {
      step.commands.push({ kind: 'cancel-child', childRunId: element.childRunId, reason: `${ct.id} failed` });
    } else {
      taskKeys.push(key);
    }
  }
  if (taskKeys.length > 0) {
    step.commands.push({
      kind: 'cancel-tasks',
      taskKeys,
      reason: `forEach ${ct.id} failed: ${error.message}`,
    });
  }
  return { status: 'failed', error };
}
