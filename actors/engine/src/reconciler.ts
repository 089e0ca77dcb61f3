/**
 * Finds runs that stopped moving — still `running`, untouched for `stuckAfterMs`, and not merely
 * waiting on parked tasks or child runs (run-waiting.ts) — and hands them to the planner's
 * `reconcile` (which re-dispatches in-flight work or finishes the run), so no run stays "running"
 * forever after an outage, a lost message or a crash between write and publish.
 * Runs on start and then every `intervalMs`; every replica may run it, compare-and-set keeps it safe.
 */
import type { Clock, JsonBucket } from '@oo/runtime';
import type { Logger } from 'pino';
import type { RunState } from './run-state.js';
import type { RunStore } from './run-store.js';
import type { runWaiting } from './run-waiting.js';

export interface ReconcilerOptions {
  runs: RunStore;
  bucket: JsonBucket<RunState>;
  waiting: ReturnType<typeof runWaiting>;
  log: Logger;
  clock: Clock;
  intervalMs: number;
  stuckAfterMs: number;
  reconcile(runId: string): Promise<unknown>;
}

export function startReconciler(options: ReconcilerOptions) {
  let running: Promise<void> | undefined;
  const sweep = async () => {
    const now = options.clock.now();
    // Collected first, reconciled after: the watcher is not held open while runs are driven on.
    const stuck: RunState[] = [];
    for await (const { value: state } of options.bucket.latest()) {
      if (state.status !== 'running') continue;
      if (now - Date.parse(state.updatedAt) >= options.stuckAfterMs) stuck.push(state);
    }
    options.waiting.keepOnly(new Set(stuck.map((state) => state.runId)));
    for (const state of stuck) {
      const waiting = await options.waiting.isWaiting(state, now).catch((err: unknown) => {
        options.log.warn({ err, run_id: state.runId }, 'could not tell whether a run is waiting');
        return false;
      });
      if (waiting) continue;
      options.log.warn(
        { run_id: state.runId, updatedAt: state.updatedAt },
        'reconciling a run that stopped moving',
      );
      await options
        .reconcile(state.runId)
        .catch((err: unknown) => options.log.error({ err }, 'reconcile failed'));
    }
  };
  const tick = () => {
    running ??= sweep()
      .catch((err: unknown) => options.log.error({ err }, 'reconciler sweep failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(tick, 1_000);
  first.unref();
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    /** Runs one sweep now (tests). */
    sweep: () => {
      tick();
      return running ?? Promise.resolve();
    },
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
