/**
 * The engine's I/O for outputs kept by reference (see output-refs.ts and contracts output-ref.ts).
 *
 * Before planning, `resolve` loads every reference the plan may read: simplest correct rule, all
 * references in the run state plus the one the event brings. An object never changes under its
 * sha256, so values are kept in an LRU cache by name and digest (bounded in bytes); a run's
 * references are read from the store once per engine instance, not once per event.
 *
 * After planning and before the state is written, `offload` puts a large run output
 * (`<runId>/output`) or forEach collected output (`<runId>/<taskId>/all`) in the object store and
 * puts the reference in its place, in the state and in the event that announces it; and so the
 * large items of a forEach that just started (`<runId>/<taskId>/items`), in the state only. A plan lost to
 * a concurrent write is planned again and writes the same object under the same name.
 */
import {
  collectedOutputName,
  forEachItemsName,
  isOutputRef,
  ObjectStoreNames,
  OoError,
  type OutputRef,
  runOutputName,
} from '@oo/contracts';
import type { ObjectFiles } from '@oo/runtime';
import { type ResolvedOutput, type ResolvedOutputs, refKey, refsToLoad } from './output-refs.js';
import type { PlannerEvent, PlanResult } from './planner-types.js';
import { isTerminalRun, type RunState } from './run-state.js';

export interface EngineOutputs {
  /**
   * Loads the references planning `event` on `state` may read. A missing object, or one that is
   * not what its reference says, comes back as `unavailable` for the planner to fail the task with.
   * @throws OoError OO_ERR_NATS_UNAVAILABLE (retryable) when the store cannot be read now
   */
  resolve(state: RunState | undefined, event: PlannerEvent): Promise<ResolvedOutputs>;
  /**
   * Puts the large outputs a plan produced in the object store, with references in their place.
   * @throws OoError OO_ERR_NATS_UNAVAILABLE (retryable) when the store does not take a write
   */
  offload(result: PlanResult): Promise<PlanResult>;
}

export interface EngineOutputsOptions {
  /** Outputs whose JSON is larger than this (bytes) are put in the store (RuntimeConfig outputs.inlineMaxBytes). */
  readonly inlineMaxBytes: number;
  /** Bytes of loaded outputs (as JSON) the cache keeps. */
  readonly cacheBytes: number;
}

/** A least-recently-used cache of values, bounded by the total size of their JSON. */
function lruCache(maxBytes: number) {
  const entries = new Map<string, { value: unknown; bytes: number }>();
  let total = 0;
  return {
    get(key: string): { value: unknown } | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return { value: entry.value };
    },
    set(key: string, value: unknown, bytes: number): void {
      if (bytes > maxBytes || entries.has(key)) return;
      entries.set(key, { value, bytes });
      total += bytes;
      for (const [oldest, entry] of entries) {
        if (total <= maxBytes) break;
        entries.delete(oldest);
        total -= entry.bytes;
      }
    },
  };
}

function unreachable(name: string, err: unknown): OoError {
  return new OoError(
    'OO_ERR_NATS_UNAVAILABLE',
    `cannot reach output ${ObjectStoreNames.outputs}/${name}: ${(err as Error).message}`,
    { retryable: true, cause: err },
  );
}

export function engineOutputs(files: ObjectFiles, options: EngineOutputsOptions): EngineOutputs {
  const cache = lruCache(options.cacheBytes);
  const decoder = new TextDecoder();

  const load = async (ref: OutputRef): Promise<ResolvedOutput> => {
    const key = refKey(ref);
    const cached = cache.get(key);
    if (cached) return cached;
    let found: Awaited<ReturnType<ObjectFiles['get']>>;
    try {
      // The client checks the content against the digest the store kept for it.
      found = await files.get(ref.name);
    } catch (err) {
      throw unreachable(ref.name, err);
    }
    if (!found) return { unavailable: 'is missing from the store (expired or deleted)' };
    if (found.info.sha256 !== ref.sha256) {
      return {
        unavailable: `no longer matches its sha256: it was replaced (now ${found.info.size} bytes, sha256 ${found.info.sha256})`,
      };
    }
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(found.data));
    } catch (err) {
      return { unavailable: `is not JSON: ${(err as Error).message}` };
    }
    cache.set(key, value, found.data.length);
    return { value };
  };

  const loadAll = async (refs: readonly OutputRef[], into: Map<string, ResolvedOutput>) => {
    const missing = new Map<string, OutputRef>();
    for (const ref of refs) if (!into.has(refKey(ref))) missing.set(refKey(ref), ref);
    const loaded = await Promise.all([...missing].map(async ([key, ref]) => [key, await load(ref)] as const));
    for (const [key, value] of loaded) into.set(key, value);
  };

  const put = async (name: string, value: unknown): Promise<OutputRef | undefined> => {
    if (value === undefined || isOutputRef(value)) return undefined;
    const text = JSON.stringify(value);
    const data = Buffer.from(text, 'utf8');
    if (data.length <= options.inlineMaxBytes) return undefined;
    let stored: Awaited<ReturnType<ObjectFiles['put']>>;
    try {
      stored = await files.put(name, data, { contentType: 'application/json' });
    } catch (err) {
      throw unreachable(name, err);
    }
    const ref: OutputRef = { $ref: ObjectStoreNames.outputs, name, size: stored.size, sha256: stored.sha256 };
    // A parent run reads a child's output next: keep it.
    cache.set(refKey(ref), value, data.length);
    return ref;
  };

  return {
    async resolve(state, event) {
      const resolved = new Map<string, ResolvedOutput>();
      // Nothing is planned for a finished run, and a cancel reads no output.
      if ((state && isTerminalRun(state.status)) || event.kind === 'cancel') return resolved;
      const { refs, nested } = refsToLoad(state, event);
      await loadAll([...refs, ...nested], resolved);
      const elements: OutputRef[] = [];
      for (const ref of nested) {
        const found = resolved.get(refKey(ref));
        if (found && 'value' in found && Array.isArray(found.value)) {
          for (const element of found.value) if (isOutputRef(element)) elements.push(element);
        }
      }
      await loadAll(elements, resolved);
      return resolved;
    },

    async offload(result) {
      const { state } = result;
      for (const command of result.commands) {
        if (command.kind === 'run-event') {
          const { event } = command;
          if (event.status !== 'succeeded' || event.output !== state.output) continue;
          const ref = await put(runOutputName(state.runId), state.output);
          if (ref) {
            state.output = ref;
            state.outputRefs = true;
            event.output = ref;
          }
        } else if (command.kind === 'task-event') {
          const { event } = command;
          const task = state.tasks[event.taskKey];
          const items = task?.forEach?.items;
          if (event.status === 'running' && Array.isArray(items)) {
            // A forEach that just started: its items stay in the state until it ends.
            const ref = await put(forEachItemsName(state.runId, event.taskKey), items);
            if (ref) {
              task!.forEach!.items = ref;
              state.outputRefs = true;
            }
            continue;
          }
          if (event.status !== 'succeeded' || !task?.forEach || event.output !== task.output) continue;
          const ref = await put(collectedOutputName(state.runId, event.taskKey), task.output);
          if (ref) {
            task.output = ref;
            state.outputRefs = true;
            event.output = ref;
          }
        }
      }
      return result;
    },
  };
}
