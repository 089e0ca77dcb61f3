/**
 * Messages between the engine, the task runners and everyone who watches runs.
 *
 *   oo.cmd.engine.start    start a run (the request path, child runs, reruns)
 *   oo.cmd.engine.cancel   cancel a run and its children
 *   oo.task.<type>         one attempt of one task, for the runner hosting <type>
 *   oo.evt.run.<status>    a run changed status
 *   oo.evt.task.<status>   a task changed status; the engine hears the runners' `succeeded` and
 *                          `failed` (without `retryAt`: final, after the runner's own retries)
 */
import { z } from 'zod';
import { ErrorData } from './errors.js';
import { Timestamp } from './ids.js';
import { OUTPUT_DOC } from './output-ref.js';
import { subject } from './subjects.js';
import { TASK_ID, TASK_TYPE, TaskRetry, TEMPLATE_NAME } from './template.js';

export const RunId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -');
export const TaskId = z.string().regex(TASK_ID);

/** `taskId` of a forEach element: `<taskId>[<index>]`. */
export const TaskKey = z.string().regex(/^[a-z][a-zA-Z0-9_]*(\[\d+\])?$/);

export const RunStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

export const TaskStatus = z.enum([
  'pending',
  'scheduled',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
]);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const ParentRef = z.object({ runId: RunId, taskKey: TaskKey }).strict();

export const StartRun = z
  .object({
    runId: RunId,
    template: z.string().regex(TEMPLATE_NAME),
    /** Pin a version; the newest loaded one when absent. The run keeps the version it started with. */
    version: z.number().int().min(1).optional(),
    input: z.unknown(),
    requestId: z.string().optional(),
    parent: ParentRef.optional(),
    /**
     * Rerun of an earlier run. `restart` runs everything again; `resume` keeps the outputs of tasks
     * that succeeded there and runs only the others.
     */
    rerunOf: z
      .object({ runId: RunId, mode: z.enum(['restart', 'resume']) })
      .strict()
      .optional(),
  })
  .strict();
export type StartRun = z.infer<typeof StartRun>;

export const CancelRun = z
  .object({ runId: RunId, reason: z.string().max(1_000).default('cancelled') })
  .strict();
export type CancelRun = z.infer<typeof CancelRun>;

export const TaskMessage = z
  .object({
    runId: RunId,
    taskKey: TaskKey,
    type: z.string().regex(TASK_TYPE),
    /** Engine dispatch number (1); the reconciler re-dispatches with the same number, so dedupe holds. */
    attempt: z.number().int().min(1),
    input: z.unknown(),
    /** The template's retry policy for this task; the task definition's default when absent. */
    retry: TaskRetry.optional(),
    /** An attempt running longer than this fails with OO_ERR_TIMEOUT (ms). */
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();
export type TaskMessage = z.infer<typeof TaskMessage>;

export const RunEvent = z
  .object({
    runId: RunId,
    template: z.string(),
    version: z.number().int(),
    status: RunStatus,
    requestId: z.string().optional(),
    parent: ParentRef.optional(),
    rerunOf: z.object({ runId: RunId, mode: z.enum(['restart', 'resume']) }).optional(),
    input: z.unknown().optional(),
    output: z.unknown().optional().describe(OUTPUT_DOC),
    error: ErrorData.optional(),
    at: Timestamp,
  })
  .strict();
export type RunEvent = z.infer<typeof RunEvent>;

/**
 * A task changed status. The engine publishes `scheduled`, `skipped`, the ends of the tasks it runs
 * itself (`workflow.run`, forEach parents) and of tasks it fails (an output it cannot read); a runner
 * publishes `running`, `cancelled`, a `failed` attempt it will retry (with `retryAt`) and the end
 * of each task it ran, `succeeded` or `failed`, which is also how the engine hears of it.
 */
export const TaskEvent = z
  .object({
    runId: RunId,
    taskKey: TaskKey,
    type: z.string(),
    status: TaskStatus,
    attempt: z.number().int().min(0),
    requestId: z.string().optional(),
    output: z.unknown().optional().describe(OUTPUT_DOC),
    error: ErrorData.optional(),
    /** For a failed attempt that will be retried: when the next one may start (absent: final). */
    retryAt: Timestamp.optional(),
    /**
     * On the event that ends a task a runner ran: when its attempt started. A runner announces
     * `running` only for an attempt that outlasts a moment (or waits), so a quick task may have no
     * `running` event and this is where its start is told.
     */
    startedAt: Timestamp.optional(),
    at: Timestamp,
  })
  .strict();
export type TaskEvent = z.infer<typeof TaskEvent>;

/**
 * A run that ended while tasks may still be in flight, as the engine records it in the `run_ends`
 * bucket (key `runEndKey(runId)`) when it publishes the end: runners look it up for a task whose
 * run they did not hear end (they were down), so its `onCancel` still runs. A task cancelled in a
 * run that goes on is recorded the same way under `taskEndKey(runId, taskKey)`.
 */
export const RunEnd = z
  .object({
    runId: RunId,
    status: z.enum(['cancelled', 'failed']),
    /** The run's error message: why its in-flight tasks stop. */
    reason: z.string(),
    at: Timestamp,
  })
  .strict();
export type RunEnd = z.infer<typeof RunEnd>;

/** The `run_ends` key of a run: KV keys allow `[A-Za-z0-9_=.-/]` only. */
export function runEndKey(runId: string): string {
  return runId.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * The `run_ends` key of one task cancelled in a run that goes on without it (a forEach element in
 * flight when another failed), recorded like a run's end with that run's id. A run's key never
 * holds `=`, so the two kinds cannot meet; task ids are letters, digits and `_`.
 */
export function taskEndKey(runId: string, taskKey: string): string {
  return `${runEndKey(runId)}=${taskKey.replace(/\[(\d+)\]$/, '.$1')}`;
}

/**
 * A child run ended: the engine tells the parent run directly (dedupe id `child-ended.<childRunId>`),
 * so engines need not hear every run event of the system to find the few that end a child.
 */
export const ChildRunEnded = z
  .object({
    /** The parent run. */
    runId: RunId,
    /** The parent's `workflow.run` task. */
    taskKey: TaskKey,
    childRunId: RunId,
    status: z.enum(['succeeded', 'failed', 'cancelled']),
    output: z.unknown().optional().describe(OUTPUT_DOC),
    error: ErrorData.optional(),
    at: Timestamp,
  })
  .strict();
export type ChildRunEnded = z.infer<typeof ChildRunEnded>;

export const EngineSubjects = {
  start: subject('oo.cmd.engine.start', StartRun),
  cancel: subject('oo.cmd.engine.cancel', CancelRun),
  childEnded: subject('oo.cmd.engine.child-ended', ChildRunEnded),
  /** Every run event, for consumers (ledger, SSE, requests). */
  runEvents: subject('oo.evt.run.*', RunEvent, { pattern: true }),
  taskEvents: subject('oo.evt.task.*', TaskEvent, { pattern: true }),
} as const;

/** One subject object per key, made (and its name checked) once rather than per message. */
function madeOnce<K extends string, T>(make: (key: K) => T): (key: K) => T {
  const made = new Map<K, T>();
  return (key) => {
    let found = made.get(key);
    if (found === undefined) {
      found = make(key);
      made.set(key, found);
    }
    return found;
  };
}

/** `oo.evt.run.<status>` to publish a run event. */
export const runEventSubject = madeOnce((status: RunStatus) => subject(`oo.evt.run.${status}`, RunEvent));

/** `oo.evt.task.<status>` to publish a task event. */
export const taskEventSubject = madeOnce((status: TaskStatus) => subject(`oo.evt.task.${status}`, TaskEvent));

/** `oo.task.<type>` for one task type. */
export const taskSubject = madeOnce((type: string) => subject(`oo.task.${type}`, TaskMessage));
