/**
 * Finds runs that stopped moving — still `running`, untouched for `stuckAfterMs`, and not merely
 * waiting on parked tasks or child runs (run-waiting.ts) — and hands them to the planner's
 * `reconcile` (which re-dispatches in-flight work or finishes the run), so no run stays "running"
 * forever after an outage, a lost message or a crash between write and publish.
 * Runs on start and then every `intervalMs`; every replica may run it, compare-and-set keeps it safe.
 *
 * The runs bucket keeps every run ever, so a sweep does not read it all: the first one reads every
 * run once; later ones read only which keys were written since (headers, no values), and look at a
 * run's state only when it has been quiet for `stuckAfterMs` — once for a run that ended, once per
 * wait for a run that is waiting.
 */
import type { Clock, JsonBucket } from '@oo/runtime';
import type { Logger } from 'pino';
import type { RunState } from './run-state.js';
import type { WaitingUntil } from './run-waiting.js';

export interface ReconcilerOptions {
  /** The runs' heads (`runs`): status, updatedAt and the tasks in flight are all in the head. */
  bucket: JsonBucket<RunState>;
  waitingUntil: WaitingUntil;
  log: Logger;
  clock: Clock;
  intervalMs: number;
  stuckAfterMs: number;
  reconcile(runId: string): Promise<unknown>;
}

export function startReconciler(options: ReconcilerOptions) {
  const { bucket, log, stuckAfterMs } = options;
  /** Runs not known to have ended, by key: when to look at each next (ms since epoch). */
  const due = new Map<string, number>();
  /** The bucket's last revision read (0: none, every write since is news). */
  let seen = 0;
  let readAll = false;

  const catchUp = async () => {
    if (!readAll) {
      for await (const { key, value, revision } of bucket.latest()) {
        seen = Math.max(seen, revision);
        if (value.status === 'running') due.set(key, Date.parse(value.updatedAt) + stuckAfterMs);
      }
      readAll = true;
      return;
    }
    for await (const write of bucket.writtenSince(seen)) {
      seen = Math.max(seen, write.revision);
      // A run that ended is looked at once more, when it would have been stuck, and then forgotten.
      if (write.deleted) due.delete(write.key);
      else due.set(write.key, write.writtenAt + stuckAfterMs);
    }
  };

  /** The run's state when it is stuck; otherwise reschedules or forgets it. */
  const stuckState = async (key: string, now: number): Promise<RunState | undefined> => {
    const state = (await bucket.get(key))?.value;
    if (state?.status !== 'running') {
      due.delete(key);
      return undefined;
    }
    const quietSince = Date.parse(state.updatedAt);
    if (now - quietSince < stuckAfterMs) {
      due.set(key, quietSince + stuckAfterMs);
      return undefined;
    }
    const until = await options.waitingUntil(state, now).catch((err: unknown) => {
      log.warn({ err, run_id: state.runId }, 'could not tell whether a run is waiting');
      return undefined;
    });
    if (until !== undefined) {
      due.set(key, until);
      return undefined;
    }
    return state; // still due: looked at again next sweep
  };

  let running: Promise<void> | undefined;
  const sweep = async () => {
    await catchUp();
    const now = options.clock.now();
    const keys: string[] = [];
    for (const [key, at] of due) if (at <= now) keys.push(key);
    for (const key of keys) {
      const state = await stuckState(key, now);
      if (!state) continue;
      log.warn({ run_id: state.runId, updatedAt: state.updatedAt }, 'reconciling a run that stopped moving');
      await options.reconcile(state.runId).catch((err: unknown) => log.error({ err }, 'reconcile failed'));
    }
  };
  const tick = () => {
    running ??= sweep()
      .catch((err: unknown) => log.error({ err }, 'reconciler sweep failed'))
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
