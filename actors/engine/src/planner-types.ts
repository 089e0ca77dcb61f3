/** What the planner consumes and produces. The engine actor turns events into these and executes the commands. */
import type { ErrorData, RunEvent, StartRun, TaskEvent, TaskRetry } from '@oo/contracts';
import type { RunState } from './run-state.js';

/**
 * A runner's end of a task: its `succeeded` or final `failed` task event (no `retryAt`). `attempt`
 * counts the runner's attempts (it retries with backoff before it ends a task).
 */
export type TaskEnd = TaskEvent & { status: 'succeeded' | 'failed' };

/** Every event carries `at` (RFC 3339): the planner has no clock. */
export type PlannerEvent =
  | { kind: 'start'; at: string; start: StartRun; traceId: string; previous?: RunState }
  | { kind: 'report'; at: string; report: TaskEnd }
  | {
      kind: 'child-finished';
      at: string;
      taskKey: string;
      childRunId: string;
      status: 'succeeded' | 'failed' | 'cancelled';
      output?: unknown;
      error?: ErrorData;
    }
  | { kind: 'cancel'; at: string; reason: string }
  /** The engine cannot go on with the run (its state outgrew what can be stored): it fails. */
  | { kind: 'fail'; at: string; error: ErrorData }
  /** Drive a run that stopped moving on; fail the tasks in `abandon` instead of sending them again. */
  | { kind: 'reconcile'; at: string; abandon?: readonly AbandonedTask[] };

/** A task in flight that no runner has taken or finished since `since` (reconciler.ts). */
export interface AbandonedTask {
  readonly taskKey: string;
  /** The dispatch it was at: a task dispatched again since is not given up. */
  readonly attempt: number;
  /** Its last sign of life (RFC 3339). */
  readonly since: string;
}

export type PlannerCommand =
  /** Publish `oo.task.<type>`; dedupe id `runId.taskKey.attempt`. */
  | {
      kind: 'schedule';
      taskKey: string;
      type: string;
      attempt: number;
      input: unknown;
      retry?: TaskRetry;
      timeoutMs?: number;
    }
  /** Start the child run `childRunId` (parent = this run and `taskKey`, same trace id). */
  | {
      kind: 'start-child';
      taskKey: string;
      childRunId: string;
      template: string;
      version?: number;
      input: unknown;
    }
  | { kind: 'cancel-child'; childRunId: string; reason: string }
  /**
   * Tell the runners to stop these tasks of this run. A run that ended says so by its run event; for
   * one that goes on without them (`reason` given), each is recorded in `run_ends` too.
   */
  | { kind: 'cancel-tasks'; taskKeys: string[]; reason?: string }
  /** `announced`: the runner published this very event (a task's end it reported); nothing to send. */
  | { kind: 'task-event'; event: Omit<TaskEvent, 'requestId'>; announced?: boolean }
  | { kind: 'run-event'; event: Omit<RunEvent, 'requestId'> };

/** What a message may carry, known to the engine actor, not to the template. */
export interface PlanLimits {
  /**
   * Longest JSON (bytes) a task's evaluated input may have: the task message (or a child run's
   * start) carries it inline, and one that does not fit cannot be sent. Unchecked when absent.
   */
  readonly maxInputBytes?: number;
}

export interface PlanResult {
  readonly state: RunState;
  readonly commands: PlannerCommand[];
}
