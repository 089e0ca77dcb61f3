/** What a task's `run` receives with each attempt, and its `onCancel` once the run ended. */
import type { OoError, TaskMessage } from '@oo/contracts';
import type { Span, Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ActorContext, Again } from '../actor-context.js';
import type { Clock } from '../clock.js';
import type { AnyTaskDefinition } from './define-task.js';
import { requireSecret, type SecretResolver } from './secrets.js';
import { type TaskHttp, taskHttp } from './task-http.js';
import type { TaskStateHandle } from './task-state.js';
import { type TaskVars, type TaskVarsShape, taskVars } from './task-vars.js';

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

/** What an attempt's context is made of. */
export interface TaskContextParts {
  readonly deps: {
    readonly task: AnyTaskDefinition;
    readonly tracer: Tracer;
    readonly secrets: SecretResolver;
  };
  readonly actx: ActorContext;
  readonly message: TaskMessage;
  readonly state: TaskStateHandle;
  readonly log: Logger;
  /** The attempt's signal, made when first asked for (see AttemptAbort). */
  readonly signalOf: () => AbortSignal;
}

/**
 * The context object itself: a class, since one is made per attempt and most tasks touch little
 * of it; `signal`, `vars` and `http` are made when first used.
 */
class AttemptContext implements Omit<TaskContext, 'again'> {
  readonly type: string;
  readonly runId: string;
  readonly taskKey: string;
  readonly attempt: number;
  readonly traceId: string;
  readonly requestId: string | undefined;
  readonly log: Logger;
  readonly span: Span;
  readonly clock: Clock;
  protected readonly parts: TaskContextParts;
  #vars: TaskVars | undefined;
  #http: TaskHttp | undefined;

  constructor(parts: TaskContextParts) {
    const { deps, actx, message, state, log } = parts;
    this.parts = parts;
    this.type = deps.task.type;
    this.runId = message.runId;
    this.taskKey = message.taskKey;
    this.attempt = state.current.attempt;
    this.traceId = actx.traceId;
    this.requestId = actx.requestId;
    this.log = log;
    this.span = actx.span;
    this.clock = actx.clock;
  }

  get signal(): AbortSignal {
    return this.parts.signalOf();
  }

  get vars(): TaskVars {
    this.#vars ??= taskVars(this.parts.state, this.parts.deps.task.vars);
    return this.#vars;
  }

  get http(): TaskHttp {
    const { deps, signalOf, log } = this.parts;
    this.#http ??= taskHttp({ tracer: deps.tracer, span: this.span, signalOf, log });
    return this.#http;
  }

  secret(name: string): string {
    return requireSecret(this.parts.deps.secrets, name);
  }
}

/** The context of `run`. */
export class RunContext extends AttemptContext implements TaskContext {
  again(delayMs: number): Again {
    return this.parts.actx.again(delayMs);
  }
}

/** The context of `onCancel`. */
export class CancelContext extends AttemptContext implements TaskCancelContext {
  readonly reason: OoError;

  constructor(parts: TaskContextParts, reason: OoError) {
    super(parts);
    this.reason = reason;
  }
}
