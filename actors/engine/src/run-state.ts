/**
 * The state of one workflow run, stored as JSON under the run id in the `runs` KV bucket and rewritten
 * (compare-and-set) on every transition, so it stays small: pending tasks carry a counter, not lists,
 * and a forEach keeps entries only for its elements in flight; a big run's ended tasks and collected
 * element outputs move to segments of their own (run-segments.ts), large items to the object store.
 */
import {
  ErrorData,
  OutputRef,
  ParentRef,
  RunId,
  RunStatus,
  TaskKey,
  TaskStatus,
  Timestamp,
} from '@oo/contracts';
import { z } from 'zod';

export const ForEachState = z
  .object({
    /** Elements in all. */
    total: z.number().int().min(0),
    /** Index of the next element to dispatch; elements below it were dispatched. */
    next: z.number().int().min(0),
    /** Elements finished; `next - done` are in flight. */
    done: z.number().int().min(0),
    /**
     * The evaluated items, kept until the task ends so later elements can be dispatched; by
     * reference (an OutputRef, output-store.ts) when their JSON is over the inline limit.
     */
    items: z.union([z.array(z.unknown()), OutputRef]).optional(),
    /**
     * Element outputs by index (null until that element succeeds), kept until the task ends. Those
     * of a big forEach are sealed into segments as they gather (run-segments.ts).
     */
    outputs: z.array(z.unknown()).optional(),
    /**
     * In a stored head only: `outputs` holds the elements from this index up to `next`; those below
     * it ended, with their outputs sealed or null (run-segments.ts). A read puts the whole array back.
     */
    outputsFrom: z.number().int().min(0).optional(),
  })
  .strict();
export type ForEachState = z.infer<typeof ForEachState>;

export const TaskState = z
  .object({
    type: z.string(),
    status: TaskStatus,
    /** Engine dispatch number (1 once dispatched); 0 = never dispatched in this run, or carried by a resume. */
    attempt: z.number().int().min(0),
    /**
     * Pending tasks only: how many of its needs have not finished yet. A pending task none of whose
     * needs has finished has no entry at all (plan-step.ts `pendingEntry`).
     */
    waiting: z.number().int().min(0).optional(),
    output: z.unknown().optional(),
    error: ErrorData.optional(),
    /** When the task became ready; also what `$now()` returns inside its expressions. */
    scheduledAt: Timestamp.optional(),
    finishedAt: Timestamp.optional(),
    /** `workflow.run` tasks: the child run. */
    childRunId: RunId.optional(),
    /** Set when the task succeeded in the run this one resumed, and was not run again. */
    carried: z.literal(true).optional(),
    forEach: ForEachState.optional(),
  })
  .strict();
export type TaskState = z.infer<typeof TaskState>;

/**
 * The layout of the run state this engine reads and writes. A head says its layout when it is not
 * this first one; an engine finding a newer layout leaves the run to an upgraded replica instead
 * of misreading it (run-store.ts), so the next layout change can be rolled out replica by replica.
 */
export const RUN_STATE_LAYOUT = 1;

/** Whether a newer engine wrote this head, in a layout this one does not know. */
export function isNewerLayout(head: { layout?: number | undefined }): boolean {
  return (head.layout ?? 1) > RUN_STATE_LAYOUT;
}

export const RunState = z
  .object({
    /** The head's layout (RUN_STATE_LAYOUT); absent means 1. */
    layout: z.number().int().min(1).optional(),
    runId: RunId,
    template: z.string(),
    version: z.number().int(),
    /** LoadedTemplate.key of the exact template this run started with. */
    templateKey: z.string(),
    status: RunStatus,
    /** The validated input, with the schema's defaults applied. */
    input: z.unknown(),
    requestId: z.string().optional(),
    traceId: z.string(),
    parent: ParentRef.optional(),
    rerunOf: z
      .object({ runId: RunId, mode: z.enum(['restart', 'resume']) })
      .strict()
      .optional(),
    /**
     * Top-level tasks that have started, ended or have a need that finished (and forEach elements
     * in flight), keyed by task key.
     */
    tasks: z.record(TaskKey, TaskState),
    /** Top-level tasks not yet in a terminal status; the run completes when it reaches 0. */
    open: z.number().int().min(0),
    /**
     * Whether any output of the run is held by reference (output-refs.ts). False lets the engine
     * skip looking for references on each event; absent in states written before it was kept.
     */
    outputRefs: z.boolean().optional(),
    /**
     * Names, in the `run_segments` bucket, of the segments holding ended tasks that are no longer in
     * `tasks` as stored (run-segments.ts); the engine joins them back when it reads the run.
     */
    segments: z.array(z.string()).optional(),
    output: z.unknown().optional(),
    error: ErrorData.optional(),
    /** The task whose failure failed the run. */
    failedTask: TaskKey.optional(),
    startedAt: Timestamp,
    updatedAt: Timestamp,
    finishedAt: Timestamp.optional(),
  })
  .strict();
export type RunState = z.infer<typeof RunState>;

/** A segment of a run's ended tasks, as stored in the `run_segments` bucket. */
export const RunSegment = z.record(TaskKey, TaskState);
export type RunSegment = z.infer<typeof RunSegment>;

const TERMINAL_TASK: ReadonlySet<TaskStatus> = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

export function isTerminalTask(status: TaskStatus): boolean {
  return TERMINAL_TASK.has(status);
}

/** Handed out and not heard to end: its message is with a runner, or it is a child run. */
export function isInFlightTask(status: TaskStatus): boolean {
  return status === 'scheduled' || status === 'running';
}

export function isTerminalRun(status: RunStatus): boolean {
  return status !== 'running';
}

/** A forEach task itself, in flight only through its elements (entries of their own, `a[3]`). */
export function isForEachParent(key: string, task: TaskState): boolean {
  return task.forEach !== undefined && parseTaskKey(key).index === undefined;
}

/** `a[3]` -> { id: 'a', index: 3 }; `a` -> { id: 'a' }. */
export function parseTaskKey(key: string): { id: string; index?: number } {
  const open = key.indexOf('[');
  if (open < 0) return { id: key };
  return { id: key.slice(0, open), index: Number(key.slice(open + 1, -1)) };
}

export function elementKey(id: string, index: number): string {
  return `${id}[${index}]`;
}
