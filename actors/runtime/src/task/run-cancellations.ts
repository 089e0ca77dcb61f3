/**
 * What one runner instance knows about runs that ended (cancelled, or failed by another task) and
 * about single tasks cancelled in runs that go on (a forEach element in flight when another failed):
 * the attempts running now (to abort their signals) and recent ends (so a parked task that comes
 * back is dropped, after its `onCancel`, instead of run again).
 *
 * The memory is per instance and bounded: an instance started after the end, or one that has
 * forgotten it (more than `capacity` newer ends), finds it in the engine's `run_ends` bucket
 * instead (task-delivery.ts), for tasks with `onCancel` and for every redelivery.
 */
import { OoError } from '@oo/contracts';

/** How a run ended, as far as its in-flight tasks are concerned. */
export type RunEnd = 'cancelled' | 'failed';

export interface RunCancellations {
  /**
   * Records that the run ended and aborts every running task of the run with OO_ERR_CANCELLED
   * (message `run <id> <end>: <reason>`).
   */
  cancel(runId: string, reason: string, end?: RunEnd): void;
  /**
   * Records that one task was cancelled while its run goes on and aborts its running attempt with
   * OO_ERR_CANCELLED (message `task <key> of run <id> cancelled: <reason>`).
   */
  cancelTask(runId: string, taskKey: string, reason: string): void;
  /**
   * The error running attempts of the task were (or would have been) aborted with: its run's end,
   * else its own cancel; undefined if neither is known.
   */
  reasonOf(runId: string, taskKey: string): OoError | undefined;
  /**
   * Registers a running attempt, aborting it at once when its run or the task is already known
   * ended (the cancel may arrive between the delivery's first check and the task starting). The
   * returned function unregisters it.
   */
  track(runId: string, taskKey: string, attempt: Abortable): () => void;
}

/** A running attempt, as far as cancelling it goes (an AttemptAbort or an AbortController). */
export interface Abortable {
  abort(reason: unknown): void;
}

/** A Map that forgets its oldest entry past `capacity` (a Map keeps insertion order). */
function remember(map: Map<string, OoError>, key: string, error: OoError, capacity: number): void {
  map.delete(key);
  map.set(key, error);
  if (map.size > capacity) map.delete(map.keys().next().value as string);
}

const taskId = (runId: string, taskKey: string) => `${runId} ${taskKey}`;

export function runCancellations(capacity = 10_000): RunCancellations {
  const endedRuns = new Map<string, OoError>();
  const cancelledTasks = new Map<string, OoError>();
  // Attempts running now, by run, each with its task key.
  const running = new Map<string, Map<Abortable, string>>();
  return {
    cancel(runId, reason, end = 'cancelled') {
      const error = new OoError('OO_ERR_CANCELLED', `run ${runId} ${end}: ${reason}`, {
        details: { runId, runStatus: end },
      });
      remember(endedRuns, runId, error, capacity);
      for (const attempt of running.get(runId)?.keys() ?? []) attempt.abort(error);
    },
    cancelTask(runId, taskKey, reason) {
      const error = new OoError('OO_ERR_CANCELLED', `task ${taskKey} of run ${runId} cancelled: ${reason}`, {
        details: { runId, taskKey },
      });
      remember(cancelledTasks, taskId(runId, taskKey), error, capacity);
      for (const [attempt, key] of running.get(runId) ?? []) if (key === taskKey) attempt.abort(error);
    },
    reasonOf: (runId, taskKey) => endedRuns.get(runId) ?? cancelledTasks.get(taskId(runId, taskKey)),
    track(runId, taskKey, attempt) {
      let attempts = running.get(runId);
      if (!attempts) {
        attempts = new Map();
        running.set(runId, attempts);
      }
      attempts.set(attempt, taskKey);
      const error = endedRuns.get(runId) ?? cancelledTasks.get(taskId(runId, taskKey));
      if (error) attempt.abort(error);
      return () => {
        attempts.delete(attempt);
        if (attempts.size === 0) running.delete(runId);
      };
    },
  };
}
