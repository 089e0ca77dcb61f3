/**
 * The `tasks` and `run` objects expressions see. `tasks` is a read-only view over the run state, built
 * in O(1) rather than copied, so evaluating one task's input does not cost O(tasks in the run).
 */
import type { RunState, TaskState } from './run-state.js';
import { isTerminalTask } from './run-state.js';

/** What `tasks.<id>` gives an expression: only finished top-level tasks are visible. */
export interface TaskView {
  readonly status: TaskState['status'];
  readonly output?: unknown;
  readonly error?: unknown;
}

function visible(tasks: Record<string, TaskState>, key: string | symbol): TaskState | undefined {
  if (typeof key !== 'string' || key.includes('[')) return undefined;
  const task = Object.hasOwn(tasks, key) ? tasks[key] : undefined;
  return task && isTerminalTask(task.status) ? task : undefined;
}

function view(task: TaskState): TaskView {
  return {
    status: task.status,
    ...(task.output === undefined ? {} : { output: task.output }),
    ...(task.error === undefined ? {} : { error: task.error }),
  };
}

export function tasksView(tasks: Record<string, TaskState>): Readonly<Record<string, TaskView>> {
  return new Proxy({} as Record<string, TaskView>, {
    get: (_, key) => {
      const task = visible(tasks, key);
      return task ? view(task) : undefined;
    },
    has: (_, key) => visible(tasks, key) !== undefined,
    ownKeys: () => Object.keys(tasks).filter((k) => visible(tasks, k) !== undefined),
    getOwnPropertyDescriptor: (_, key) => {
      const task = visible(tasks, key);
      return task ? { value: view(task), enumerable: true, configurable: true, writable: false } : undefined;
    },
    set: () => false,
    deleteProperty: () => false,
    defineProperty: () => false,
  });
}

export function runView(state: RunState): Readonly<Record<string, unknown>> {
  return {
    id: state.runId,
    template: state.template,
    version: state.version,
    traceId: state.traceId,
    ...(state.requestId === undefined ? {} : { requestId: state.requestId }),
    ...(state.parent === undefined ? {} : { parentRunId: state.parent.runId }),
  };
}
