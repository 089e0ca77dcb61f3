/**
 * Finds runs that stopped moving — still `running`, untouched for `stuckAfterMs`, and not merely
 * waiting on parked tasks or child runs (in-flight-look.ts) — and hands them to the planner's
 * `reconcile` (which re-dispatches in-flight work or finishes the run), so no run stays "running"
 * forever after an outage, a lost message or a crash between write and publish.
 *
 * Sending a task again helps only if some runner takes it. A task no runner has shown a sign of
 * life for in `abandonAfterMs` (its type's runners are all gone, or were never deployed) is given
 * up: the planner fails it, saying so, and its `onFailure` rule decides the run. Without that, such
 * a run would be sent again every sweep and stay `running` for ever.
 * Runs on start and then every `intervalMs`; every replica may run it, compare-and-set keeps it safe.
 *
 * The runs bucket keeps every run until weeks after it ended (run-retention.ts), so a sweep does not
 * read it all: the first one reads every
 * run once; later ones read only which keys were written since (headers, no values), and look at a
 * run's state only when it has been quiet for `stuckAfterMs` — once for a run that ended, once per
 * wait for a run that is waiting.
 */
import {
  type ActorEnv,
  type Clock,
  isNatsUnreachable,
  type JsonBucket,
  reportFailure,
  startPeriodicPass,
} from '@oo/runtime';
import type { Logger } from 'pino';
import type { LookInFlight } from './in-flight-look.js';
import type { AbandonedTask } from './planner-types.js';
import { isNewerLayout, type RunState } from './run-state.js';

export interface ReconcilerOptions {
  /** The runs' heads (`runs`): status, updatedAt and the tasks in flight are all in the head. */
  bucket: JsonBucket<RunState>;
  lookInFlight: LookInFlight;
  log: Logger;
  clock: Clock;
  /** Told of a pass that failed (`env.reportError`: the actor's presence shows it). */
  report?: ActorEnv['reportError'] | undefined;
  intervalMs: number;
  stuckAfterMs: number;
  /** A task in flight with no sign of a runner this long is failed (ms; far above `stuckAfterMs`). */
  abandonAfterMs: number;
  /** Drives the run on; `abandon` lists the tasks to fail instead of sending again. */
  reconcile(runId: string, abandon: readonly AbandonedTask[]): Promise<unknown>;
}

interface StuckRun {
  readonly state: RunState;
  readonly abandon: readonly AbandonedTask[];
}

export function startReconciler(options: ReconcilerOptions) {
  const { bucket, log, stuckAfterMs, abandonAfterMs } = options;
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

  /** The run and the tasks to give up when it is stuck; otherwise reschedules or forgets it. */
  const stuckRun = async (key: string, now: number): Promise<StuckRun | undefined> => {
    const state = (await bucket.get(key))?.value;
    // A run a newer engine wrote is that engine's to reconcile (run-state.ts RUN_STATE_LAYOUT).
    if (state?.status !== 'running' || isNewerLayout(state)) {
      due.delete(key);
      return undefined;
    }
    const quietSince = Date.parse(state.updatedAt);
    if (now - quietSince < stuckAfterMs) {
      due.set(key, quietSince + stuckAfterMs);
      return undefined;
    }
    const look = await options.lookInFlight(state, now).catch((err: unknown) => {
      log.warn({ err, run_id: state.runId }, 'could not tell whether a run is waiting');
      return undefined;
    });
    if (look?.waitingUntil !== undefined) {
      due.set(key, look.waitingUntil);
      return undefined;
    }
    const abandon = (look?.unattended ?? [])
      .filter((task) => now - task.since >= abandonAfterMs)
      .map(({ taskKey, attempt, since }) => ({ taskKey, attempt, since: new Date(since).toISOString() }));
    return { state, abandon }; // still due: looked at again next sweep
  };

  const sweep = async () => {
    await catchUp();
    const now = options.clock.now();
    const keys: string[] = [];
    for (const [key, at] of due) if (at <= now) keys.push(key);
    for (const key of keys) {
      const stuck = await stuckRun(key, now);
      if (!stuck) continue;
      const { state, abandon } = stuck;
      log.warn({ run_id: state.runId, updatedAt: state.updatedAt }, 'reconciling a run that stopped moving');
      if (abandon.length > 0) {
        log.error(
          { run_id: state.runId, tasks: abandon.map((t) => t.taskKey), abandonAfterMs },
          'failing tasks no runner has taken or finished',
        );
      }
      await options.reconcile(state.runId, abandon).catch((err: unknown) => {
        // Out of reach, the next run would fail the same way: the sweep stops, and says so once.
        if (isNatsUnreachable(err)) throw err;
        log.error({ err, run_id: state.runId }, 'reconcile failed');
        reportFailure(options.report, `reconciling run ${state.runId}`, err);
      });
    }
  };
  const periodic = startPeriodicPass({
    what: 'reconciler sweep',
    log,
    report: options.report,
    firstAfterMs: 1_000,
    intervalMs: options.intervalMs,
    pass: sweep,
  });
  return {
    /** Runs one sweep now (tests), or joins the one running. */
    sweep: async () => {
      await periodic.now();
    },
    stop: () => periodic.stop(),
  };
}
