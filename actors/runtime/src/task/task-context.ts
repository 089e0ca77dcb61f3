/** What a task's `run` receives with each attempt, and its `onCancel` once the run ended. */
import type { OoError } from '@oo/contracts';
import type { Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Again } from '../actor-context.js';
import type { Clock } from '../clock.js';
import type { TaskHttp } from './task-http.js';
import type { TaskVars, TaskVarsShape } from './task-vars.js';

export interface TaskContext<V extends TaskVarsShape = TaskVarsShape> {
  readonly type: string;
  readonly runId: string;
  /** The task's key in its run: its id, or `<id>[<index>]` inside a forEach. */
  readonly taskKey: string;
  /**
   * The runner's attempt, 1-based: advanced by a failed attempt that is retried, not by `again`
   * and not by a redelivery after a crash. Starts at 1 again when the engine dispatches the task anew.
   */
  readonly attempt: number;
  readonly traceId: string;
  readonly requestId: string | undefined;
  /** pino child bound to trace_id, span_id, request_id, run_id, task_key, task_type and attempt. */
  readonly log: Logger;
  /** The span of this delivery; make child spans from it. */
  readonly span: Span;
  /**
   * Aborted when the run is cancelled (reason OO_ERR_CANCELLED), the attempt's deadline passes
   * (OO_ERR_TIMEOUT) or the runner stops (OO_ERR_SHUTTING_DOWN). The runner stops waiting for `run`
   * at that moment, so pass the signal on to whatever can be interrupted.
   */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** Persistent variables of this (run, task); see `TaskVars`. */
  readonly vars: TaskVars<V>;
  /** HTTP calls with tracing; see `TaskHttp`. */
  readonly http: TaskHttp;
  /** A configured secret's value; throws OO_ERR_WORKFLOW_SECRET_MISSING (terminal) when unset. Never log it. */
  secret(name: string): string;
  /**
   * "Not done, look at me again in `delayMs`": return it from `run`. The message is parked in
   * JetStream (a nak with delay), so a waiting task holds no memory and no timer; not a failed
   * attempt. The attempt's deadline keeps running.
   */
  again(delayMs: number): Again;
}

/**
 * What `onCancel` receives: the task's context without `again`, with its own `signal` (the 30 s
 * budget of `onCancel`, and the runner stopping) and the reason the run ended.
 */
export interface TaskCancelContext<V extends TaskVarsShape = TaskVarsShape>
  extends Omit<TaskContext<V>, 'again'> {
  /** OO_ERR_CANCELLED, its message naming the run and how it ended (`details.runStatus`). */
  readonly reason: OoError;
}
