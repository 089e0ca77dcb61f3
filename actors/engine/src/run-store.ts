/**
 * Run state in the `runs` KV bucket, changed only by compare-and-set: read, plan, write at the
 * revision read; if another engine replica wrote first, read again and plan again. The planner is
 * pure, so planning twice is harmless.
 */
import { OoError } from '@oo/contracts';
import type { JsonBucket } from '@oo/runtime';
import type { PlanResult } from './planner-types.js';
import type { RunState } from './run-state.js';

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
   * not exist, or the step's result when it changed nothing worth writing.
   */
  transition(runId: string, step: (state: RunState) => Promise<PlanResult>): Promise<PlanResult | undefined>;
}

const MAX_CONFLICTS = 50;

export function runStore(bucket: JsonBucket<RunState>): RunStore {
  return {
    async get(runId) {
      return (await bucket.get(runKey(runId)))?.value;
    },
    async create(result) {
      const revision = await bucket.create(runKey(result.state.runId), result.state);
      return revision === undefined ? undefined : result;
    },
    async transition(runId, step) {
      for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
        const current = await bucket.get(runKey(runId));
        if (!current) return undefined;
        const result = await step(current.value);
        // The planner reports every change it makes with an event, so no command means nothing
        // changed (a repeated report, an event for a finished run): skip the write.
        if (result.commands.length === 0) return result;
        const written = await bucket.update(runKey(runId), result.state, current.revision);
        if (written !== undefined) return result;
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
