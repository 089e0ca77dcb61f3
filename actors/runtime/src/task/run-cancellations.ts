/**
 * What one runner instance knows about runs that ended (cancelled, or failed by another task): the
 * tasks of each run it is running now (to abort their signals) and the ids of recently ended runs
 * (so a parked task of such a run that comes back is dropped, after its `onCancel`, instead of run
 * again).
 *
 * The memory is per instance and bounded: an instance started after the run ended, or one that has
 * forgotten it (more than `capacity` newer ends), finds the end in the engine's `run_ends` bucket
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
  /** The error running tasks of the run were (or would have been) aborted with; undefined if not ended. */
  reasonOf(runId: string): OoError | undefined;
  /**
   * Registers a running task, aborting it at once when its run is already known ended (the
   * cancel may arrive between the delivery's first check and the task starting). The returned
   * function unregisters it.
   */
  track(runId: string, attempt: Abortable): () => void;
}

/** A running attempt, as far as cancelling it goes (an AttemptAbort or an AbortController). */
export interface Abortable {
  abort(reason: unknown): void;
}

export function runCancellations(capacity = 10_000): RunCancellations {
  // A Map keeps insertion order: the first key is the oldest end.
  const ended = new Map<string, OoError>();
  const running = new Map<string, Set<Abortable>>();
  return {
    cancel(runId, reason, end = 'cancelled') {
      const error = new OoError('OO_ERR_CANCELLED', `run ${runId} ${end}: ${reason}`, {
        details: { runId, runStatus: end },
      });
      ended.delete(runId);
      ended.set(runId, error);
      if (ended.size > capacity) ended.delete(ended.keys().next().value as string);
      for (const attempt of running.get(runId) ?? []) attempt.abort(error);
    },
    reasonOf: (runId) => ended.get(runId),
    track(runId, attempt) {
      let set = running.get(runId);
      if (!set) {
        set = new Set();
        running.set(runId, set);
      }
      set.add(attempt);
      const error = ended.get(runId);
      if (error) attempt.abort(error);
      return () => {
        set.delete(attempt);
        if (set.size === 0) running.delete(runId);
      };
    },
  };
}
