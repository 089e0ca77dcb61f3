/**
 * The working context of one `plan()` call: the template, the state being updated, the event time,
 * the commands so far and the queue of tasks whose needs have all finished.
 */
import { type ErrorCode, type ErrorData, OoError, type TaskStatus, toOoError } from '@oo/contracts';
import { runView, tasksView } from './expression-scope.js';
import type { ExpressionScope } from './expressions.js';
import type { LoadedTemplate } from './loaded-template.js';
import { NO_OUTPUTS, type ResolvedOutputs } from './output-refs.js';
import type { PlanLimits, PlannerCommand } from './planner-types.js';
import type { RunState, TaskState } from './run-state.js';

export interface PlanStep {
  readonly tpl: LoadedTemplate;
  readonly state: RunState;
  readonly at: string;
  readonly commands: PlannerCommand[];
  /** Top-level task ids ready to start, in the order they became ready. */
  readonly ready: string[];
  readonly tasks: unknown;
  readonly run: unknown;
  /** Values of the outputs kept by reference that this step may read (output-refs.ts). */
  readonly resolved: ResolvedOutputs;
  readonly limits: PlanLimits;
}

/**
 * The entry of a pending task none of whose needs has finished: such a task has none in the state
 * until it needs one (a big run's state then holds the tasks near its front, not all of them).
 * Creates it, waiting on every need.
 */
export function pendingEntry(step: Pick<PlanStep, 'tpl' | 'state'>, id: string): TaskState {
  const ct = step.tpl.tasks.get(id)!;
  const task: TaskState = { type: ct.spec.type, status: 'pending', attempt: 0, waiting: ct.needs.length };
  step.state.tasks[id] = task;
  return task;
}

export function newStep(
  tpl: LoadedTemplate,
  state: RunState,
  at: string,
  resolved: ResolvedOutputs = NO_OUTPUTS,
  limits: PlanLimits = {},
): PlanStep {
  return {
    tpl,
    state,
    at,
    commands: [],
    ready: [],
    tasks: tasksView(state.tasks, tpl.tasks, resolved),
    run: runView(state),
    resolved,
    limits,
  };
}

export function scopeOf(
  step: PlanStep,
  time: string,
  element?: { item: unknown; index: number },
): ExpressionScope {
  return {
    input: step.state.input,
    tasks: step.tasks,
    run: step.run,
    time,
    ...(element ? { item: element.item, index: element.index } : {}),
  };
}

/** The part of a step that events are written to. */
export type EventSink = Pick<PlanStep, 'state' | 'at' | 'commands'>;

export function emitTask(
  step: EventSink,
  taskKey: string,
  task: Pick<TaskState, 'type'>,
  status: TaskStatus,
  attempt: number,
  extra: {
    output?: unknown;
    error?: ErrorData;
    startedAt?: string | undefined;
    /** The runner published this end event already (see PlannerCommand). */
    announced?: boolean | undefined;
  } = {},
): void {
  step.commands.push({
    kind: 'task-event',
    ...(extra.announced ? { announced: true } : {}),
    event: {
      runId: step.state.runId,
      taskKey,
      type: task.type,
      status,
      attempt,
      ...(extra.output === undefined ? {} : { output: extra.output }),
      ...(extra.error === undefined ? {} : { error: extra.error }),
      ...(extra.startedAt === undefined ? {} : { startedAt: extra.startedAt }),
      at: step.at,
    },
  });
}

export function emitRun(step: EventSink): void {
  const s = step.state;
  step.commands.push({
    kind: 'run-event',
    event: {
      runId: s.runId,
      template: s.template,
      version: s.version,
      status: s.status,
      ...(s.parent ? { parent: s.parent } : {}),
      ...(s.rerunOf ? { rerunOf: s.rerunOf } : {}),
      ...(s.status === 'running' || s.error?.code === 'OO_ERR_WORKFLOW_INPUT_INVALID'
        ? { input: s.input }
        : {}),
      ...(s.output === undefined ? {} : { output: s.output }),
      ...(s.error === undefined ? {} : { error: s.error }),
      at: step.at,
    },
  });
}

/** A terminal error as it crosses the bus. */
export function errorData(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorData {
  return new OoError(code, message, { retryable: false, ...(details ? { details } : {}) }).toData();
}

/** What an expression (or a check around one) threw, tagged with the task it belongs to. */
export function failureOf(thrown: unknown, taskKey?: string): ErrorData {
  const data = toOoError(thrown).toData();
  return { ...data, retryable: false, details: { ...data.details, ...(taskKey ? { task: taskKey } : {}) } };
}

/** Run `$now()` time for a task: when it became ready, so a re-evaluation yields the same input. */
export function timeOf(step: PlanStep, task: TaskState | undefined): string {
  return task?.scheduledAt ?? step.at;
}
