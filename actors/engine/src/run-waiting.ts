/**
 * Tells a run that stopped moving from a run that is only waiting. A task polling a 20-minute AWX
 * job with `ctx.again`, or sitting out a retry's backoff, leaves its run's state untouched all
 * that time; so does a child run that takes long. Such a run is waiting when every task it has in
 * flight is parked in the runner and expected back (`task_vars` says so), or is a child run still
 * running. The reconciler leaves it alone: re-sending its tasks would only make copies the runner
 * drops, and warn about a run that is fine.
 */
import { isParked, type JsonBucket, type TaskState, taskStateKey } from '@oo/runtime';
import { parseTaskKey, type RunState } from './run-state.js';
import { runKey } from './run-store.js';

export type IsWaiting = (state: RunState, now: number) => Promise<boolean>;

interface Known {
  /** The run's state this was worked out on. */
  updatedAt: string;
  /** Waiting at least until then: the first of its parked tasks' `lostAfter`. */
  until: number;
}

/**
 * `heads` holds the runs' states, `taskStates` the runners' (`task_vars`). A run found waiting on
 * parked tasks is not looked at again until the first of them is due to be lost, so a sweep over
 * 10,000 parked runs reads their tasks' states once, not every minute.
 */
export function runWaiting(heads: JsonBucket<RunState>, taskStates: JsonBucket<TaskState>) {
  const known = new Map<string, Known>();

  const waitingUntil = async (state: RunState, now: number): Promise<number | undefined> => {
    let until = Number.POSITIVE_INFINITY;
    let inFlight = 0;
    for (const [key, task] of Object.entries(state.tasks)) {
      if (task.status !== 'scheduled' && task.status !== 'running') continue;
      // A forEach parent is in flight through its elements, which are entries of their own.
      if (task.forEach && parseTaskKey(key).index === undefined) continue;
      inFlight++;
      if (task.childRunId !== undefined) {
        const child = await heads.get(runKey(task.childRunId));
        // Looked at again next sweep: a child's own liveness is its own sweep's business.
        if (child?.value.status !== 'running') return undefined;
        until = Math.min(until, now);
        continue;
      }
      const found = (await taskStates.get(taskStateKey(state.runId, key)))?.value;
      if (!found?.parked || !isParked(found, task.attempt, now)) return undefined;
      until = Math.min(until, found.parked.lostAfter);
    }
    return inFlight === 0 ? undefined : until;
  };

  const isWaiting: IsWaiting = async (state, now) => {
    const seen = known.get(state.runId);
    if (seen && seen.updatedAt === state.updatedAt && now < seen.until) return true;
    known.delete(state.runId);
    const until = await waitingUntil(state, now);
    if (until === undefined) return false;
    known.set(state.runId, { updatedAt: state.updatedAt, until });
    return true;
  };

  return {
    isWaiting,
    /** Forgets the runs a sweep no longer found stuck-looking (moved on, ended or removed). */
    keepOnly(runIds: ReadonlySet<string>) {
      for (const runId of known.keys()) if (!runIds.has(runId)) known.delete(runId);
    },
  };
}
