/**
 * What one runner instance knows about cancelled runs: the tasks of each run it is running now (to
 * abort their signals) and the ids of recently cancelled runs (so a parked task of such a run that
 * comes back is dropped instead of run again).
 *
 * The memory is per instance and bounded: an instance started after the cancel, or one that has
 * forgotten it (more than `capacity` newer cancels), runs such a task once more and reports it. That
 * is harmless: the engine ignores reports for runs that have already ended.
 */
import { OoError } from '@oo/contracts';

export interface RunCancellations {
  /** Records the cancel and aborts every running task of the run with OO_ERR_CANCELLED. */
  cancel(runId: string, reason: string): void;
  isCancelled(runId: string): boolean;
  /**
   * Registers a running task, aborting it at once when its run is already known cancelled (the
   * cancel may arrive between the delivery's first check and the task starting). The returned
   * function unregisters it.
   */
  track(runId: string, controller: AbortController): () => void;
}

export function runCancellations(capacity = 10_000): RunCancellations {
  // A Map keeps insertion order: the first key is the oldest cancel.
  const cancelled = new Map<string, true>();
  const running = new Map<string, Set<AbortController>>();
  return {
    cancel(runId, reason) {
      cancelled.delete(runId);
      cancelled.set(runId, true);
      if (cancelled.size > capacity) cancelled.delete(cancelled.keys().next().value as string);
      for (const controller of running.get(runId) ?? []) {
        controller.abort(new OoError('OO_ERR_CANCELLED', `run ${runId} cancelled: ${reason}`));
      }
    },
    isCancelled: (runId) => cancelled.has(runId),
    track(runId, controller) {
      let set = running.get(runId);
      if (!set) {
        set = new Set();
        running.set(runId, set);
      }
      set.add(controller);
      if (cancelled.has(runId)) controller.abort(new OoError('OO_ERR_CANCELLED', `run ${runId} cancelled`));
      return () => {
        set.delete(controller);
        if (set.size === 0) running.delete(runId);
      };
    },
  };
}
