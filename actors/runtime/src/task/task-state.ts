/**
 * What the runner keeps in the `task_vars` bucket for one (run, task): the task's own variables
 * and the runner's bookkeeping for the current attempt. One key per (run, task), written with
 * compare-and-set, so two deliveries of the same task (a zombie past its ack wait and its
 * redelivery) cannot silently overwrite each other.
 */
import { ErrorData, OoError, TaskEvent } from '@oo/contracts';
import { z } from 'zod';
import type { JsonBucket } from '../json-bucket.js';

export const TaskState = z
  .object({
    /** The engine's dispatch number this bookkeeping belongs to (`TaskMessage.attempt`). */
    dispatch: z.number().int().min(1),
    /** The runner's attempt, 1-based; `again` does not advance it. */
    attempt: z.number().int().min(1),
    /** When the first attempt of this dispatch started (RFC 3339), for the end event. */
    startedAt: z.string(),
    /** When the current attempt started (ms since epoch); absent until it starts. */
    attemptStartedAt: z.number().optional(),
    /** The current attempt fails with OO_ERR_TIMEOUT at this time (ms since epoch). */
    deadlineAt: z.number().optional(),
    /** The current attempt must not start before this (ms since epoch). */
    retryAt: z.number().optional(),
    lastError: ErrorData.optional(),
    /**
     * The message of the task that holds it now, and until when: parked until its next look
     * (`ctx.again`, a retry's backoff) or running an attempt with a deadline. Its stream sequence,
     * and when it counts as lost if it has not come back or finished (ms since epoch). Another copy
     * of the task (a message the engine's reconciler sent again) drops itself until then, instead
     * of starting a second chain of looks or a second attempt beside the first.
     */
    held: z
      .object({ seq: z.number().int().min(1), lostAfter: z.number() })
      .strict()
      .optional(),
    /**
     * The run ended while this task was in flight: `onCancel` has begun (`done` false) or finished.
     * A delivery that finds it drops the task, first finishing `onCancel` when it is not done.
     */
    cancel: z
      .object({ reason: ErrorData, done: z.boolean(), error: ErrorData.optional() })
      .strict()
      .optional(),
    /** The task's end event, once decided: a redelivery republishes it instead of running again. */
    ended: TaskEvent.optional(),
    /** The task's variables (`ctx.vars`). */
    vars: z.record(z.string(), z.json()),
  })
  .strict();
export type TaskState = z.infer<typeof TaskState>;

/** True while a message holds this dispatch of the task and is not lost (see `held`). */
export function isHeld(state: TaskState, dispatch: number, now: number): boolean {
  return (
    state.dispatch === dispatch &&
    state.ended === undefined &&
    state.held !== undefined &&
    now < state.held.lostAfter
  );
}

/**
 * KV key of a (run, task): `<runId>.<taskKey>` with a forEach index `name[3]` written `name=3`,
 * since keys allow only `[A-Za-z0-9_=.-/]`. Run ids hold no `[`, `]` or `=`, so this is reversible.
 */
export function taskStateKey(runId: string, taskKey: string): string {
  return `${runId}.${taskKey.replace(/\[(\d+)\]$/, '=$1')}`;
}

/** One delivery's view of the state: the latest value and revision, with writes in order. */
export interface TaskStateHandle {
  readonly current: TaskState;
  /** True while the state was neither read nor written: opened with `assumeAbsent`, no save yet. */
  readonly assumed: boolean;
  /** Changes `current` in memory only; the next `save` writes it along. */
  assume(change: (state: TaskState) => TaskState): void;
  /**
   * Applies `change` to the latest state and writes it with compare-and-set; resolves once the
   * server has stored it. Throws OO_ERR_WORKFLOW_TASK_VARS_CONFLICT (retryable) when another
   * delivery wrote the key since this one read it.
   */
  save(change: (state: TaskState) => TaskState): Promise<void>;
}

/**
 * Thrown by the first `save` of a handle opened with `assumeAbsent` when the key exists after all:
 * the delivery must start over from the stored state. Nothing was written.
 */
export class TaskStateFound extends Error {
  constructor(key: string) {
    super(`task state ${key} exists: start over from it`);
    this.name = 'TaskStateFound';
  }
}

/**
 * Reads the key; `init` turns what was found (or nothing) into this delivery's starting state.
 * Nothing is written until the first `save`.
 *
 * `assumeAbsent` skips the read, for a message's first delivery, where the key is almost always
 * new: the first `save` then creates the key, and throws TaskStateFound if it was there after all
 * (a task re-dispatched by the engine), so no decision is ever made on a state that was not read.
 */
export async function loadTaskState(
  bucket: JsonBucket<TaskState>,
  key: string,
  init: (found: TaskState | undefined) => TaskState,
  options: { assumeAbsent?: boolean } = {},
): Promise<TaskStateHandle> {
  const found = options.assumeAbsent ? undefined : await bucket.get(key);
  let current = init(found?.value);
  let revision = found?.revision;
  let queue: Promise<void> = Promise.resolve();

  const write = async (next: TaskState) => {
    const written =
      revision === undefined ? await bucket.create(key, next) : await bucket.update(key, next, revision);
    if (written === undefined) {
      if (options.assumeAbsent && revision === undefined) throw new TaskStateFound(key);
      throw new OoError(
        'OO_ERR_WORKFLOW_TASK_VARS_CONFLICT',
        `task state ${key} was written by another delivery`,
      );
    }
    revision = written;
    current = next;
  };

  return {
    get current() {
      return current;
    },
    get assumed() {
      return revision === undefined && options.assumeAbsent === true;
    },
    assume(change) {
      current = change(current);
    },
    save(change) {
      // Chained so that two `vars.set` calls of one task do not race each other's revision.
      const run = queue.then(() => write(change(current)));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
