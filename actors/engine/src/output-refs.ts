/**
 * Outputs held by reference (`OutputRef`, see contracts output-ref.ts), as the pure planner sees
 * them. The run state keeps the references; the engine actor loads their contents before planning
 * and passes them in as `ResolvedOutputs`, so expressions read `tasks.x.output.field` the same
 * whether the output is inline or in the object store, and the planner does no I/O.
 *
 * Where references sit: a task's `output`, a forEach task's collected output (an array whose
 * elements may be references, and which may itself be one), a forEach's element outputs in flight
 * (`forEach.outputs`) and its items (`forEach.items`), and the output of a report or child-run end
 * being planned.
 */
import { type ErrorData, isOutputRef, OoError, type OutputRef } from '@oo/contracts';
import type { PlannerEvent } from './planner-types.js';
import type { RunState, TaskState } from './run-state.js';

/** A loaded reference: its value, or why it cannot be read (missing, or not what was written). */
export type ResolvedOutput = { readonly value: unknown } | { readonly unavailable: string };

/** Loaded references by `refKey`. */
export type ResolvedOutputs = ReadonlyMap<string, ResolvedOutput>;

export const NO_OUTPUTS: ResolvedOutputs = new Map();

/** Objects never change under one sha256, so name and digest identify a value. */
export function refKey(ref: OutputRef): string {
  return `${ref.name}@${ref.sha256}`;
}

/**
 * The error of a value kept by reference that cannot be read: `what` it is (`output of task a`,
 * `items of forEach task a`), and `details` naming the task.
 */
export function unreadableRef(
  what: string,
  ref: OutputRef,
  reason: string,
  details: Record<string, string>,
): OoError {
  return new OoError(
    'OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE',
    `${what} cannot be read: object outputs/${ref.name} (${ref.size} bytes) ${reason}`,
    { retryable: false, details: { ...details, object: ref.name, sha256: ref.sha256 } },
  );
}

/** A loaded reference's value, or why there is none. */
export function loadedValue(
  resolved: ResolvedOutputs,
  ref: OutputRef,
): { value: unknown } | { reason: string } {
  const found = resolved.get(refKey(ref));
  if (found && 'value' in found) return found;
  return { reason: found ? found.unavailable : 'was not loaded' };
}

/** The error of a task whose output cannot be read. */
export function unavailableError(taskKey: string, ref: OutputRef, reason: string): ErrorData {
  return unreadableRef(`output of task ${taskKey}`, ref, reason, { outputOf: taskKey }).toData();
}

/** Why a task's output (a reference) cannot be read, or undefined when it can (or is inline). */
export function unreadable(
  resolved: ResolvedOutputs,
  taskKey: string,
  output: unknown,
): ErrorData | undefined {
  if (!isOutputRef(output)) return undefined;
  const loaded = loadedValue(resolved, output);
  return 'reason' in loaded ? unavailableError(taskKey, output, loaded.reason) : undefined;
}

/**
 * The value behind a reference (an inline value as it is).
 * @throws OoError OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE naming `taskKey` when the reference was not loaded
 */
export function outputValue(resolved: ResolvedOutputs, taskKey: string, output: unknown): unknown {
  if (!isOutputRef(output)) return output;
  const loaded = loadedValue(resolved, output);
  if ('value' in loaded) return loaded.value;
  throw OoError.fromData(unavailableError(taskKey, output, loaded.reason));
}

/** A forEach task's collected output: the array (itself perhaps a reference) with each element read. */
export function collectedOutputValue(resolved: ResolvedOutputs, taskKey: string, output: unknown): unknown {
  const value = outputValue(resolved, taskKey, output);
  if (!Array.isArray(value) || !value.some(isOutputRef)) return value;
  return value.map((element, index) => outputValue(resolved, `${taskKey}[${index}]`, element));
}

/** Whether a task's output needs reading before an expression can see it. */
export function holdsRefs(task: TaskState): boolean {
  const output = task.output;
  return (
    isOutputRef(output) || (task.forEach !== undefined && Array.isArray(output) && output.some(isOutputRef))
  );
}

/** A task output that is, or (a forEach's collection) holds, a reference. */
export function holdsRef(output: unknown): boolean {
  return isOutputRef(output) || (Array.isArray(output) && output.some(isOutputRef));
}

/**
 * Every reference planning this event may read: those in the state (and, for a resume, in the run it
 * resumes) and the one the event brings. A forEach's collected output may be a reference to an array
 * of references: `nested` lists those arrays, whose elements are collected once they are loaded.
 */
export function refsToLoad(
  state: RunState | undefined,
  event: PlannerEvent,
): { refs: OutputRef[]; nested: OutputRef[] } {
  const refs: OutputRef[] = [];
  const nested: OutputRef[] = [];
  const add = (value: unknown) => {
    if (isOutputRef(value)) refs.push(value);
  };
  const fromTasks = (tasks: Record<string, TaskState>) => {
    for (const task of Object.values(tasks)) {
      const { output, forEach } = task;
      if (forEach === undefined) {
        add(output);
        continue;
      }
      if (isOutputRef(output)) nested.push(output);
      else if (Array.isArray(output)) output.forEach(add);
      // Items by reference: any element's end may dispatch the next one.
      add(forEach.items);
      // Element outputs in flight are read only when the forEach finishes. One event ends at most one
      // element (a reconcile may end it anyway), so a big forEach is not scanned on every element's end.
      if (forEach.done >= forEach.total - 1 || event.kind === 'reconcile') forEach.outputs?.forEach(add);
    }
  };
  // A run that never held a reference has none to look for (most runs: O(1) instead of O(tasks)).
  if (state && state.outputRefs !== false) fromTasks(state.tasks);
  if (event.kind === 'start' && event.previous && event.previous.outputRefs !== false) {
    fromTasks(event.previous.tasks);
  }
  if (event.kind === 'report') add(event.report.output);
  if (event.kind === 'child-finished') add(event.output);
  return { refs, nested };
}
