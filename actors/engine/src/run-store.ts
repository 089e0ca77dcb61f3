/**
 * Run state in the `runs` KV bucket, changed only by compare-and-set: read, plan, write at the
 * revision read; if another engine replica wrote first, read again and plan again. The planner is
 * pure, so planning twice is harmless.
 *
 * The last state this engine wrote is kept in memory with its revision, so a step normally costs one
 * KV write and no read. Another replica's write makes that revision stale: the write fails and the
 * step re-reads, so the cache can cost a retry, never a lost update.
 *
 * A big run's ended tasks are sealed into segments of their own (run-segments.ts): what is written
 * under the run's key is its head, and a read joins the segments it lists back in.
 */
import { exceedsUtf8Bytes, OoError } from '@oo/contracts';
import type { JsonBucket, Versioned } from '@oo/runtime';
import type { PlanResult } from './planner-types.js';
import {
  dropEndedOutputs,
  headOf,
  joinSegments,
  nothingSealed,
  SEAL_LIMITS,
  type Sealed,
  type SealLimits,
  type Segment,
  sealSegments,
  unsealedEnded,
  unsealedKeys,
} from './run-segments.js';
import {
  isNewerLayout,
  isTerminalRun,
  RUN_STATE_LAYOUT,
  type RunSegment,
  type RunState,
} from './run-state.js';
import type { RunStateEncoder } from './run-state-encoder.js';

/** Run ids may hold characters KV keys do not allow; `.` stays (child ids nest with it). */
export function runKey(runId: string): string {
  return runId.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export interface RunStore {
  /** The whole state of a run, its segments joined in. */
  get(runId: string): Promise<RunState | undefined>;
  /** Creates a run; undefined when it exists already (a repeated start). */
  create(result: PlanResult): Promise<PlanResult | undefined>;
  /**
   * Applies `step` to the current state until the write wins. Returns undefined when the run does
   * not exist, or the step's result when it changed nothing worth writing. `step` may change the
   * state it is given in place (the planner does).
   */
  transition(runId: string, step: (state: RunState) => Promise<PlanResult>): Promise<PlanResult | undefined>;
  /** Tasks in the run's state as this engine last wrote it (0 when not cached). */
  cachedTasks(runId: string): number;
}

export interface RunStoreOptions {
  /** The run's JSON as written: JSON.stringify's, made faster (run-state-encoder.ts). */
  readonly encode: RunStateEncoder;
  /** Runs whose state stays cached; beyond it the oldest is dropped and read again when it moves. */
  readonly cachedRuns?: number;
  /**
   * What the cached runs may weigh, as the JSON of their heads plus an estimate for their sealed
   * tasks (bytes, default 64 MiB): 2,000 heads near the 1 MiB message limit would otherwise hold
   * gigabytes. Beyond it the oldest are dropped, as beyond `cachedRuns`.
   */
  readonly cachedBytes?: number;
  readonly limits?: SealLimits;
  /** Longest JSON a head may have: the server's max payload less room for the write's headers. */
  readonly maxHeadBytes: () => number;
}

/** A head that cannot be written however much is sealed: the engine fails the run instead. */
const STATE_TOO_LARGE = 'OO_ERR_WORKFLOW_STATE_TOO_LARGE';

/** Whether a write failed because the run's state cannot be stored (see STATE_TOO_LARGE). */
export function isStateTooLarge(err: unknown): err is OoError {
  return err instanceof OoError && err.code === STATE_TOO_LARGE;
}

/**
 * Refuses a head a newer engine wrote in a layout this one does not know: retryable, so the
 * delivery goes back and an upgraded replica takes it (or, with none, it dead-letters saying why).
 */
function checkLayout(head: RunState): void {
  if (!isNewerLayout(head)) return;
  const layout = head.layout;
  throw new OoError(
    'OO_ERR_WORKFLOW_STATE_NEWER',
    `run ${head.runId}: its state is in layout ${layout}, written by a newer engine; this one reads up to ` +
      `${RUN_STATE_LAYOUT}: leaving it to an upgraded replica`,
    { retryable: true, details: { runId: head.runId, layout, reads: RUN_STATE_LAYOUT } },
  );
}

const MAX_CONFLICTS = 50;
/**
 * Segments read back are kept by name (they never change), so a big run re-read after a lost race
 * reads none again. 256 of at most 256 KiB each bounds what they hold beyond the cached runs.
 */
const CACHED_SEGMENTS = 256;

/** What a sealed task counts for in `cachedBytes`: its entry, its output dropped (run-segments.ts). */
const SEALED_TASK_BYTES = 160;

/** A run as read: its whole state and what of it is sealed. */
interface Stored extends Versioned<RunState> {
  readonly tasks: number;
  /** What of the run is in segments, not in the head (changed in place as the run is written). */
  readonly sealed: Sealed;
}

interface Cached extends Stored {
  /** Its weight in `cachedBytes`, as it was when cached. */
  readonly bytes: number;
}

export function runStore(
  heads: JsonBucket<RunState>,
  segments: JsonBucket<RunSegment>,
  options: RunStoreOptions,
): RunStore {
  const cachedRuns = options.cachedRuns ?? 2_000;
  const cachedBytes = options.cachedBytes ?? 64 * 1024 * 1024;
  const limits = options.limits ?? SEAL_LIMITS;
  const cache = new Map<string, Cached>();
  let cacheBytes = 0;
  const segmentCache = new Map<string, RunSegment>();

  const forget = (key: string) => {
    const cached = cache.get(key);
    if (!cached) return;
    cache.delete(key);
    cacheBytes -= cached.bytes;
  };

  /**
   * `tasks`: how many the state holds, sealed or not (counted from the head: a big run's is short);
   * `json`: its head as written.
   */
  const remember = (
    key: string,
    state: RunState,
    revision: number,
    sealed: Sealed,
    tasks: number,
    json: string,
  ) => {
    forget(key); // re-inserted last: Map order is the eviction order
    if (isTerminalRun(state.status)) return; // an ended run rarely moves again
    const bytes = json.length + sealed.tasks.size * SEALED_TASK_BYTES;
    cache.set(key, { value: state, revision, tasks, sealed, bytes });
    cacheBytes += bytes;
    while (cache.size > cachedRuns || cacheBytes > cachedBytes) forget(cache.keys().next().value as string);
  };

  /** A segment, or undefined when the bucket no longer has it. */
  const readSegment = async (name: string): Promise<RunSegment | undefined> => {
    const kept = segmentCache.get(name);
    if (kept) return kept;
    const found = await segments.get(name);
    if (!found) return undefined;
    segmentCache.set(name, found.value);
    if (segmentCache.size > CACHED_SEGMENTS) segmentCache.delete(segmentCache.keys().next().value as string);
    return found.value;
  };

  const read = async (key: string): Promise<Stored | undefined> => {
    let previous: number | undefined;
    for (;;) {
      const head = await heads.get(key);
      if (!head) return undefined;
      checkLayout(head.value);
      const names = head.value.segments ?? [];
      const parts = await Promise.all(names.map(readSegment));
      const missing = names.find((_, i) => parts[i] === undefined);
      if (missing === undefined) {
        const { state, sealed } = joinSegments(head.value, parts as RunSegment[]);
        return { value: state, revision: head.revision, tasks: Object.keys(state.tasks).length, sealed };
      }
      // A replica that wrote a newer head may have deleted it (a forEach's outputs, once it ended).
      if (head.revision === previous) {
        throw new OoError('OO_ERR_WORKFLOW_STATE', `run state segment ${missing} is missing from the bucket`);
      }
      previous = head.revision;
    }
  };

  /** Segments a written head no longer lists, gone for good: a failure only leaves them behind. */
  const deleteSegments = async (names: readonly string[]) => {
    for (const name of names) segmentCache.delete(name);
    await Promise.allSettled(names.map((name) => segments.delete(name)));
  };

  const writeSegments = async (made: readonly Segment[]) => {
    await Promise.all(made.map((s) => segments.put(s.name, s.tasks, s.json)));
    for (const s of made) segmentCache.set(s.name, s.tasks);
  };

  /**
   * Seals what is due (writing the segments first) and returns the head to write and its JSON.
   * Changes `state.segments` and `sealed` in place, as the planner changes the rest: a state whose
   * write then fails is read again, with what its head says is sealed.
   */
  const layOut = async (key: string, state: RunState, sealed: Sealed) => {
    const seal = (keys: readonly string[]) =>
      writeSegments(sealSegments(key, state, sealed, keys, limits.segmentBytes));
    const dropped = dropEndedOutputs(state, sealed);
    const keys = unsealedKeys(state, sealed);
    let ended = unsealedEnded(state, sealed, keys);
    if (ended.length >= limits.tasks) {
      await seal(ended);
      ended = [];
    }
    const max = options.maxHeadBytes();
    const tooLarge = (json: string) => exceedsUtf8Bytes(json, max);
    let head = headOf(state, sealed, limits.wholeOutputs, keys);
    let json = options.encode(head);
    if ((json.length > limits.headBytes || tooLarge(json)) && ended.length > 0) {
      await seal(ended);
      head = headOf(state, sealed, limits.wholeOutputs, keys);
      json = options.encode(head);
    }
    if (tooLarge(json)) {
      throw new OoError(
        STATE_TOO_LARGE,
        `run ${state.runId}: the state of its ${Object.keys(head.tasks).length} tasks pending or in flight ` +
          `is ${Buffer.byteLength(json)} bytes of JSON, over the ${max} a NATS message may carry`,
      );
    }
    return { head, json, dropped, tasks: sealed.tasks.size + Object.keys(head.tasks).length };
  };

  return {
    cachedTasks: (runId) => cache.get(runKey(runId))?.tasks ?? 0,
    async get(runId) {
      return (await read(runKey(runId)))?.value;
    },
    async create(result) {
      const key = runKey(result.state.runId);
      const sealed = nothingSealed();
      const { head, json, tasks } = await layOut(key, result.state, sealed);
      const revision = await heads.create(key, head, json);
      if (revision === undefined) return undefined;
      remember(key, result.state, revision, sealed, tasks, json);
      return result;
    },
    async transition(runId, step) {
      const key = runKey(runId);
      for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
        const cached = cache.get(key);
        const current = cached ?? (await read(key));
        if (!current) return undefined;
        // The step changes the state in place: whatever happens next, the cached copy is no
        // longer the stored one until a write succeeds.
        forget(key);
        const result = await step(current.value);
        // The planner reports every change it makes with an event, so no command means nothing
        // changed (a repeated report, an event for a finished run): skip the write. Only a state
        // just read proves that: another replica may have moved the run past the cached one (the
        // report may be for a task it scheduled), so plan that again on a fresh read.
        if (result.commands.length === 0) {
          if (cached) continue;
          return result;
        }
        const { head, json, dropped, tasks } = await layOut(key, result.state, current.sealed);
        const written = await heads.update(key, head, current.revision, json);
        if (written !== undefined) {
          remember(key, result.state, written, current.sealed, tasks, json);
          await deleteSegments(dropped);
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
