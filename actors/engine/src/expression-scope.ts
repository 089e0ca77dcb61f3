/**
 * The `tasks` and `run` objects expressions see. `tasks` is a read-only view over the run state, built
 * in O(1) rather than copied, so evaluating one task's input does not cost O(tasks in the run). An
 * output kept by reference shows as its value.
 */
import {
  collectedOutputValue,
  holdsRefs,
  NO_OUTPUTS,
  outputValue,
  type ResolvedOutputs,
} from './output-refs.js';
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

function view(key: string, task: TaskState, resolved: ResolvedOutputs): TaskView {
  const shown: TaskView = {
    status: task.status,
    ...(task.output === undefined ? {} : { output: task.output }),
    ...(task.error === undefined ? {} : { error: task.error }),
  };
  if (!holdsRefs(task)) return shown;
  // Read on access, so an expression that reads only `status` works even if the object is gone.
  const read = task.forEach ? collectedOutputValue : outputValue;
  return Object.defineProperty(shown, 'output', {
    enumerable: true,
    get: () => read(resolved, key, task.output),
  });
}

/**
 * `templateTasks` are the template's tasks, in its order: what `tasks.*` lists, whatever order the state
 * holds its tasks in (a state read back from segments holds them in another). `resolved` holds the
 * values of outputs kept by reference (see output-refs.ts); reading one that is not there throws
 * OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE naming the task.
 */
export function tasksView(
  tasks: Record<string, TaskState>,
  templateTasks: ReadonlyMap<string, unknown>,
  resolved: ResolvedOutputs = NO_OUTPUTS,
): Readonly<Record<string, TaskView>> {
  return new Proxy({} as Record<string, TaskView>, {
    get: (_, key) => {
      const task = visible(tasks, key);
      return task ? view(key as string, task, resolved) : undefined;
    },
    has: (_, key) => visible(tasks, key) !== undefined,
    ownKeys: () => [...templateTasks.keys()].filter((k) => visible(tasks, k) !== undefined),
    getOwnPropertyDescriptor: (_, key) => {
      const task = visible(tasks, key);
      return task
        ? {
            value: view(key as string, task, resolved),
            enumerable: true,
            configurable: true,
            writable: false,
          }
        : undefined;
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
