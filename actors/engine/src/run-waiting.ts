/**
 * Tells a run that stopped moving from a run that is only waiting. A task polling a 20-minute AWX
 * job with `ctx.again`, or sitting out a retry's backoff, leaves its run's state untouched all
 * that time; so does a child run that takes long. Such a run is waiting when every task it has in
 * flight is parked in the runner and expected back (`task_vars` says so), or is a child run still
 * running. The reconciler leaves it alone: re-sending its tasks would only make copies the runner
 * drops, and warn about a run that is fine.
 */
import { isHeld, type JsonBucket, type TaskState, taskStateKey } from '@oo/runtime';
import { isInFlightTask, parseTaskKey, type RunState } from './run-state.js';
import { runKey } from './run-store.js';

/**
 * Until when (ms since epoch) the run is only waiting — the first of its parked tasks' `lostAfter`,
 * or `now` when it waits on a child run (whose liveness is the child's own sweep's business) — or
 * undefined when it is not waiting.
 */
export type WaitingUntil = (state: RunState, now: number) => Promise<number | undefined>;

/** `heads` holds the runs' states, `taskStates` the runners' (`task_vars`). */
export function runWaiting(heads: JsonBucket<RunState>, taskStates: JsonBucket<TaskState>): WaitingUntil {
  return async (state, now) => {
    let until = Number.POSITIVE_INFINITY;
    let inFlight = 0;
    for (const [key, task] of Object.entries(state.tasks)) {
      if (!isInFlightTask(task.status)) continue;
      // A forEach parent is in flight through its elements, which are entries of their own.
      if (task.forEach && parseTaskKey(key).index === undefined) continue;
      inFlight++;
      if (task.childRunId !== undefined) {
        const child = await heads.get(runKey(task.childRunId));
        if (child?.value.status !== 'running') return undefined;
        until = Math.min(until, now);
        continue;
      }
      const found = (await taskStates.get(taskStateKey(state.runId, key)))?.value;
      if (!found?.held || !isHeld(found, task.attempt, now)) return undefined;
      until = Math.min(until, found.held.lostAfter);
    }
    return inFlight === 0 ? undefined : until;
  };
}
