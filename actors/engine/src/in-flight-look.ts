/**
 * What a quiet run's tasks in flight are doing, as far as the `runs` and `task_vars` buckets tell.
 *
 * A task polling a 20-minute AWX job with `ctx.again`, or sitting out a retry's backoff, leaves its
 * run's state untouched all that time; so does a child run that takes long. Such a run is waiting
 * when every task it has in flight is parked in the runner and expected back (`task_vars` says so),
 * or is a child run still running. The reconciler leaves it alone: re-sending its tasks would only
 * make copies the runner drops, and warn about a run that is fine.
 *
 * Any other task in flight is unattended: its message is queued with no runner taking it, lost, or
 * with a runner that keeps no record (a task without `vars` or a timeout). The reconciler sends it
 * again; one unattended for `abandonAfterMs` since its last sign of life fails (reconciler.ts).
 */
import { isHeld, type JsonBucket, type TaskState, taskStateKey } from '@oo/runtime';
import { isForEachParent, isInFlightTask, type RunState } from './run-state.js';
import { runKey } from './run-store.js';

/** A task in flight that no runner is known to hold. */
export interface UnattendedTask {
  readonly taskKey: string;
  /** The engine's dispatch number the task is at. */
  readonly attempt: number;
  /**
   * Its last sign of life (ms since epoch): when it was sent, when a runner last started it or
   * when a runner's hold on it ran out, whichever is latest.
   */
  readonly since: number;
}

export interface InFlightLook {
  /**
   * Until when (ms since epoch) the run is only waiting — the first of its parked tasks'
   * `lostAfter`, or `now` when it waits on a child run (whose liveness is the child's own sweep's
   * business) — or undefined when it is not waiting.
   */
  readonly waitingUntil: number | undefined;
  readonly unattended: readonly UnattendedTask[];
}

export type LookInFlight = (state: RunState, now: number) => Promise<InFlightLook>;

/** `heads` holds the runs' states, `taskStates` the runners' (`task_vars`). */
export function lookInFlight(heads: JsonBucket<RunState>, taskStates: JsonBucket<TaskState>): LookInFlight {
  return async (state, now) => {
    let until = Number.POSITIVE_INFINITY;
    let inFlight = 0;
    let stuck = false;
    const unattended: UnattendedTask[] = [];
    for (const [key, task] of Object.entries(state.tasks)) {
      if (!isInFlightTask(task.status)) continue;
      if (isForEachParent(key, task)) continue;
      inFlight++;
      if (task.childRunId !== undefined) {
        // A child that ended without its parent hearing is not waiting, but its task is not
        // abandoned either: sending it again tells the parent how the child ended.
        const child = await heads.get(runKey(task.childRunId));
        if (child?.value.status === 'running') until = Math.min(until, now);
        else stuck = true;
        continue;
      }
      const found = (await taskStates.get(taskStateKey(state.runId, key)))?.value;
      if (found?.held && isHeld(found, task.attempt, now)) {
        until = Math.min(until, found.held.lostAfter);
        continue;
      }
      stuck = true;
      unattended.push({
        taskKey: key,
        attempt: task.attempt,
        since: lastSignOfLife(task.scheduledAt ?? state.startedAt, found, task.attempt),
      });
    }
    const waiting = inFlight > 0 && !stuck;
    return { waitingUntil: waiting ? until : undefined, unattended };
  };
}

function lastSignOfLife(sentAt: string, found: TaskState | undefined, dispatch: number): number {
  let since = Date.parse(sentAt);
  if (found?.dispatch !== dispatch) return since;
  since = Math.max(since, Date.parse(found.startedAt), found.attemptStartedAt ?? 0);
  return found.held ? Math.max(since, found.held.lostAfter) : since;
}
