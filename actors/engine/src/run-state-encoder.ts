/**
 * The JSON of a run state for its KV write, equal to `JSON.stringify(state)`, made without
 * re-serialising the tasks that did not change.
 *
 * The state is rewritten on every transition, so a 2,000-task run serialised all its tasks again for
 * every event: most of what made a task of a big run cost twice a task of a small one. The planner
 * changes a pending task only by counting down `waiting` or moving it on (its status), and an ended
 * task not at all (the end of a run touches only open ones); so the JSON of a pending or ended entry
 * is kept, keyed by the entry object, and reused while its status, attempt and `waiting` are as they
 * were. Tasks in flight change in other ways (a forEach's progress) and are serialised each time. A
 * state read again from KV has new objects and starts afresh. The engine's property test checks the
 * result against JSON.stringify after every step of random runs (forEach, when, failures, cancel).
 */
import type { RunState, TaskState } from './run-state.js';

export type RunStateEncoder = (state: RunState) => string;

interface KeptEntry {
  readonly json: string;
  readonly status: TaskState['status'];
  readonly attempt: number;
  readonly waiting: number | undefined;
}

const REUSABLE: ReadonlySet<TaskState['status']> = new Set([
  'pending',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
]);

/** One per engine instance; holds entries' JSON for as long as their objects live. */
export function runStateEncoder(): RunStateEncoder {
  const kept = new WeakMap<TaskState, KeptEntry>();

  const entryJson = (key: string, task: TaskState): string => {
    const found = kept.get(task);
    if (
      found !== undefined &&
      found.status === task.status &&
      found.attempt === task.attempt &&
      found.waiting === task.waiting
    ) {
      return found.json;
    }
    const json = `${JSON.stringify(key)}:${JSON.stringify(task)}`;
    if (REUSABLE.has(task.status)) {
      kept.set(task, { json, status: task.status, attempt: task.attempt, waiting: task.waiting });
    }
    return json;
  };

  const tasksJson = (tasks: RunState['tasks']): string => {
    let out = '';
    for (const key of Object.keys(tasks)) {
      out +=
        out === '' ? entryJson(key, tasks[key] as TaskState) : `,${entryJson(key, tasks[key] as TaskState)}`;
    }
    return `{${out}}`;
  };

  return (state) => {
    let out = '';
    const fields = state as unknown as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      const json = key === 'tasks' ? tasksJson(state.tasks) : JSON.stringify(fields[key]);
      if (json === undefined) continue; // as JSON.stringify drops undefined values
      out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${json}`;
    }
    return `{${out}}`;
  };
}
