/**
 * Run state in the `runs` KV bucket, changed only by compare-and-set: read, plan, write at the
 * revision read; if another engine replica wrote first, read again and plan again. The planner is
 * pure, so planning twice is harmless.
 *
 * The last state this engine wrote is kept in memory with its revision, so a step normally costs one
 * KV write and no read. Another replica's write makes that revision stale: the write fails and the
 * step re-reads, so the cache can cost a retry, never a lost update.
 */
import { OoError } from '@oo/contracts';
import type { JsonBucket, Versioned } from '@oo/runtime';
import type { PlanResult } from './planner-types.js';
import { isTerminalRun, type RunState } from './run-state.js';

/** Run ids may hold characters KV keys do not allow; `.` stays (child ids nest with it). */
export function runKey(runId: string): string {
  return runId.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export interface RunStore {
  get(runId: string): Promise<RunState | undefined>;
  /** Creates a run; undefined when it exists already (a repeated start). */
  create(result: PlanResult): Promise<PlanResult | undefined>;
  /**
   * Applies `step` to the current state until the write wins. Returns undefined when the run does
   * not exist, or the step's result when it changed nothing worth writing. `step` may change the
   * state it is given in place (the planner does).
   */
  transition(runId: string, step: (state: RunState) => Promise<PlanResult>): Promise<PlanResult | undefined>;
  /** Tasks in the run's state as this engine last wrote it (0 when not cached): what a write costs. */
  cachedTasks(runId: string): number;
}

const MAX_CONFLICTS = 50;
/** Runs whose state stays cached; beyond it the oldest is dropped and read again when it moves. */
const DEFAULT_CACHED_RUNS = 2_000;

export function runStore(bucket: JsonBucket<RunState>, cachedRuns = DEFAULT_CACHED_RUNS): RunStore {
  const cache = new Map<string, Versioned<RunState> & { tasks: number }>();
  const remember = (key: string, state: RunState, revision: number) => {
    cache.delete(key); // re-inserted last: Map order is the eviction order
    if (isTerminalRun(state.status)) return; // an ended run rarely moves again
    cache.set(key, { value: state, revision, tasks: Object.keys(state.tasks).length });
    if (cache.size > cachedRuns) cache.delete(cache.keys().next().value as string);
  };

  return {
    cachedTasks: (runId) => cache.get(runKey(runId))?.tasks ?? 0,
    async get(runId) {
      return (await bucket.get(runKey(runId)))?.value;
    },
    async create(result) {
      const key = runKey(result.state.runId);
      const revision = await bucket.create(key, result.state);
      if (revision === undefined) return undefined;
      remember(key, result.state, revision);
      return result;
    },
    async transition(runId, step) {
      const key = runKey(runId);
      for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
        const cached = cache.get(key);
        const current = cached ?? (await bucket.get(key));
        if (!current) return undefined;
        // The step changes the state in place: whatever happens next, the cached copy is no
        // longer the stored one until a write succeeds.
        cache.delete(key);
        const result = await step(current.value);
        // The planner reports every change it makes with an event, so no command means nothing
        // changed (a repeated report, an event for a finished run): skip the write. Only a state
        // just read proves that: another replica may have moved the run past the cached one (the
        // report may be for a task it scheduled), so plan that again on a fresh read.
        if (result.commands.length === 0) {
          if (cached) continue;
          return result;
        }
        const written = await bucket.update(key, result.state, current.revision);
        if (written !== undefined) {
          remember(key, result.state, written);
          return result;
        }
      }
      throw new OoError(
        'OO_ERR_WORKFLOW_CONFLICT',
        `run ${runId}: ${MAX_CONFLICTS} write conflicts in a row`,
        {
          retryable: true,
        },
      );
    },
  };
}
