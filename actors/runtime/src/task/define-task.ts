/**
 * Declaring a task type: zod schemas for its input, output and (optionally) variables, a default
 * retry policy and timeout, and `run`. The input type of `run` is inferred from the schema, and a
 * returned value that does not fit the output schema's type is a compile error.
 *
 * ```ts
 * export const launch = defineTask({
 *   type: 'awx.launch',
 *   input: LaunchInput,
 *   output: LaunchOutput,
 *   vars: z.object({ jobId: z.number() }),
 *   retry: { maxAttempts: 5, backoffMs: 2_000 },
 *   async run(ctx, input) { ... },
 * });
 * ```
 */
import { TASK_TYPE, TaskRetry } from '@oo/contracts';
import type { z } from 'zod';
import type { Again } from '../actor-context.js';
import type { TaskCancelContext, TaskContext } from './task-context.js';
import type { TaskRetryInput } from './task-retry.js';
import type { TaskVarsSchema } from './task-vars.js';

/** What `run` may return: the output, or `ctx.again(ms)`. */
export type TaskResult<T> = T | Again;

export interface DefineTaskOptions<I extends z.ZodType, O extends z.ZodType, VS extends TaskVarsSchema> {
  /** `oo.task.<type>` carries this task's work: lower-case words joined by dots (`http.request`). */
  readonly type: string;
  readonly description?: string;
  readonly input: I;
  readonly output: O;
  /**
   * Schema of `ctx.vars`, for typed access and checked writes. A task keeps variables only if it
   * declares them: one without `vars` (or `onCancel`) keeps no state, so the runner spends no KV
   * write on its deliveries unless it waits, retries or has a timeout.
   */
  readonly vars?: VS;
  /** Default retry policy; a template's `retry` on the task wins. */
  readonly retry?: TaskRetryInput;
  /** Default attempt timeout (ms); a template's `timeoutMs` wins. No timeout when neither is set. */
  readonly timeoutMs?: number;
  /**
   * One attempt. Throw an OoError to fail it (retried when `retryable` and attempts remain; anything
   * else thrown counts as retryable OO_ERR_HANDLER_FAILED), return `ctx.again(ms)` to be looked at
   * later, or return the output.
   */
  run(ctx: TaskContext<z.output<VS>>, input: z.output<I>): Promise<TaskResult<z.input<O>>>;
  /**
   * Called when the task's run ends (cancelled, or failed by another task) while the engine has it
   * in flight: running now (after `run`'s signal aborted and `run` settled, or 5 s passed), parked
   * in `ctx.again` or a retry backoff, or delivered but not started yet (its input may name a job
   * an earlier task launched) — each when the runner instance holding the message heard the run
   * end. Gets the task's `vars` (empty if it never ran) and input, to stop the external job `run`
   * started. Once per task: the runner records it in `task_vars` before and after, and a delivery
   * that finds it begun but not done (a crash, a stop) calls it again, so make it idempotent. It has
   * 30 s; `ctx.signal` aborts past that or when the runner stops. A throw is logged and carried on
   * the task's `cancelled` event, never retried.
   */
  onCancel?(ctx: TaskCancelContext<z.output<VS>>, input: z.output<I>): Promise<void>;
}

export interface TaskDefinition<
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
  VS extends TaskVarsSchema = TaskVarsSchema,
> extends Omit<DefineTaskOptions<I, O, VS>, 'retry'> {
  /** The default policy with every field filled in, when the task declares one. */
  readonly retry?: TaskRetry;
}

/** Any task, for lists of tasks of different types (a runner's `tasks`). */
export type AnyTaskDefinition = TaskDefinition<z.ZodType, z.ZodType, TaskVarsSchema>;

/** Checks the declaration (type name, retry policy, timeout) and freezes it; throws on a bad one. */
export function defineTask<
  I extends z.ZodType,
  O extends z.ZodType,
  VS extends TaskVarsSchema = TaskVarsSchema,
>(options: DefineTaskOptions<I, O, VS>): TaskDefinition<I, O, VS> {
  if (!TASK_TYPE.test(options.type)) {
    throw new Error(`task type "${options.type}" must be lower-case words joined by dots, like http.request`);
  }
  if (options.timeoutMs !== undefined && !(Number.isInteger(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new Error(`task ${options.type}: timeoutMs must be a positive integer (ms)`);
  }
  const retry = options.retry === undefined ? undefined : TaskRetry.safeParse(options.retry);
  if (retry && !retry.success) {
    throw new Error(`task ${options.type}: invalid retry policy: ${retry.error.message}`);
  }
  const { retry: _declared, ...rest } = options;
  return Object.freeze({ ...rest, ...(retry ? { retry: retry.data } : {}) });
}
