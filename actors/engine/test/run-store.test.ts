/**
 * The run store against a real nats-server, two replicas on the same buckets: a forEach's sealed
 * element outputs are deleted once it ended, and a replica that read the head from before that
 * reads it again instead of failing.
 */
import type { JsonBucket } from '@oo/runtime';
import { describe, expect, it } from 'vitest';
import type { PlannerCommand } from '../src/planner-types.js';
import { RunSegment, RunState } from '../src/run-state.js';
import { runStateEncoder } from '../src/run-state-encoder.js';
import { runStore } from '../src/run-store.js';
import { privateBuckets } from './fixtures/private-buckets.js';
import { runHead } from './fixtures/run-head.js';

const kv = privateBuckets('run-store-test');

async function buckets() {
  return { heads: await kv.fresh('heads', RunState), segments: await kv.fresh('segments', RunSegment) };
}

/** Seal every 2 ended tasks or outputs; a forEach's outputs always from where they are settled. */
const replica = (heads: JsonBucket<RunState>, segments: JsonBucket<RunSegment>) =>
  runStore(heads, segments, {
    encode: runStateEncoder(),
    maxHeadBytes: () => 1_000_000,
    limits: { tasks: 2, headBytes: 1_000_000, segmentBytes: 1_000_000, wholeOutputs: 0 },
  });

/** Any command: the store writes a step only when the planner says something changed. */
const CHANGED: PlannerCommand[] = [{ kind: 'cancel-tasks', taskKeys: [] }];
const at = '2026-11-26T00:00:00.000Z';

/** A run whose forEach `each` of 4 elements has 2 finished with outputs and 2 in flight. */
function collecting(runId: string): RunState {
  return runHead({
    runId,
    tasks: {
      each: {
        type: 'noop',
        status: 'running',
        attempt: 1,
        forEach: {
          total: 4,
          next: 4,
          done: 2,
          items: [1, 2, 3, 4],
          outputs: [{ n: 1 }, { n: 2 }, null, null],
        },
      },
      'each[2]': { type: 'noop', status: 'scheduled', attempt: 1 },
      'each[3]': { type: 'noop', status: 'scheduled', attempt: 1 },
    },
    open: 1,
    startedAt: at,
    updatedAt: at,
  });
}

/** The forEach ends: its elements' outputs become its own output. */
function endForEach(state: RunState): RunState {
  const each = state.tasks.each!;
  each.status = 'succeeded';
  each.output = [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }];
  delete each.forEach!.items;
  delete each.forEach!.outputs;
  delete state.tasks['each[2]'];
  delete state.tasks['each[3]'];
  state.open = 0;
  state.status = 'succeeded';
  return state;
}

/** `heads`, except that its first read answers `stale`: a replica that read just before a write. */
function readsStaleOnce(
  heads: JsonBucket<RunState>,
  stale: Awaited<ReturnType<JsonBucket<RunState>['get']>>,
) {
  let first = true;
  return {
    ...heads,
    async get(key: string) {
      if (!first) return heads.get(key);
      first = false;
      return stale && { ...stale, value: structuredClone(stale.value) };
    },
  };
}

describe('engine - run store', () => {
  it('deletes a forEach’s output segments once it ended; a replica that read the head before reads again', async () => {
    const { heads, segments } = await buckets();
    const a = replica(heads, segments);
    await a.create({ state: collecting('run_a'), commands: CHANGED });
    const sealedHead = await heads.get('run_a');
    expect(sealedHead?.value.segments).toHaveLength(1);
    const [name] = sealedHead!.value.segments!;
    expect(Object.keys((await segments.get(name!))!.value)).toEqual(['each[0]', 'each[1]']);
    expect(sealedHead?.value.tasks.each?.forEach).toMatchObject({ outputs: [null, null], outputsFrom: 2 });

    await a.transition('run_a', async (state) => ({ state: endForEach(state), commands: CHANGED }));
    expect((await heads.get('run_a'))?.value.segments).toEqual([]);
    expect(await segments.get(name!)).toBeUndefined();

    // Another replica had read the sealed head just before: its segment is gone now.
    const b = replica(readsStaleOnce(heads, sealedHead), segments);
    const read = await b.get('run_a');
    expect(read?.status).toBe('succeeded');
    expect(read?.tasks.each?.output).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it('fails a read, naming the segment, when one its head lists is missing and the head has not moved', async () => {
    const { heads, segments } = await buckets();
    await replica(heads, segments).create({ state: collecting('run_b'), commands: CHANGED });
    const [name] = (await heads.get('run_b'))!.value.segments!;
    await segments.delete(name!);
    await expect(replica(heads, segments).get('run_b')).rejects.toThrow(
      `run state segment ${name} is missing from the bucket`,
    );
  });

  it('reads a forEach back whole from its head and segments', async () => {
    const { heads, segments } = await buckets();
    await replica(heads, segments).create({ state: collecting('run_c'), commands: CHANGED });
    const [name] = (await heads.get('run_c'))!.value.segments!;
    expect(await replica(heads, segments).get('run_c')).toEqual({ ...collecting('run_c'), segments: [name] });
  });

  it('keeps the runs it caches within cachedBytes, dropping the oldest, which are read again when they move', async () => {
    const { heads, segments } = await buckets();
    const inputOf = (i: number) => ({ blob: String(i).repeat(10_000) });
    const run = (i: number) =>
      runHead({
        runId: `run_w${i}`,
        input: inputOf(i),
        tasks: { a: { type: 'noop', status: 'scheduled', attempt: 1 } },
        open: 1,
      });
    // Room for three ~10 KB heads, and no limit by count that matters.
    const store = runStore(heads, segments, {
      encode: runStateEncoder(),
      maxHeadBytes: () => 1_000_000,
      cachedRuns: 100,
      cachedBytes: 35_000,
    });
    for (let i = 0; i < 5; i++) await store.create({ state: run(i), commands: CHANGED });
    expect([0, 1, 2, 3, 4].map((i) => store.cachedTasks(`run_w${i}`))).toEqual([0, 0, 1, 1, 1]);
    // A dropped run is read back whole when it moves, and cached again (dropping the oldest left).
    const moved = await store.transition('run_w0', async (state) => ({ state, commands: CHANGED }));
    expect(moved?.state.input).toEqual(inputOf(0));
    expect([0, 1, 2, 3, 4].map((i) => store.cachedTasks(`run_w${i}`))).toEqual([1, 0, 0, 1, 1]);
  });

  it('leaves a run a newer engine wrote alone: retryable, naming the layout, nothing written', async () => {
    const { heads, segments } = await buckets();
    const newer = { ...collecting('run_n'), layout: 2 };
    const revision = await heads.put('run_n', newer);
    const store = replica(heads, segments);
    const refusal = {
      code: 'OO_ERR_WORKFLOW_STATE_NEWER',
      retryable: true,
      details: { layout: 2, reads: 1 },
    };
    await expect(store.get('run_n')).rejects.toMatchObject(refusal);
    await expect(
      store.transition('run_n', async (state) => ({ state, commands: CHANGED })),
    ).rejects.toMatchObject(refusal);
    expect((await heads.get('run_n'))?.revision).toBe(revision);
    // A head that names no layout is this engine's own.
    await heads.put('run_o', collecting('run_o'));
    expect((await store.get('run_o'))?.runId).toBe('run_o');
  });
});
