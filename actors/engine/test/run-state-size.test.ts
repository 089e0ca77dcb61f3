/**
 * Runs whose state would not fit one NATS message: their ended tasks and collected forEach outputs
 * are sealed into segments (run-segments.ts), large forEach items are held by reference, and a
 * state that cannot be stored however much is sealed fails the run.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BucketNames, ObjectStoreNames, type TemplateInput } from '@oo/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { RunSegment, RunState } from '../src/run-state.js';
import { type EngineTestbed, startEngineTestbed } from './fixtures/engine-testbed.js';

const PAD = 'x'.repeat(40_000);

/** 30 tasks, 3 layers of 10, each returning a 40 KB output (under the 64 KB inline limit): 1.2 MB in all. */
const wideOutputs: TemplateInput = {
  name: 'wide-outputs',
  version: 1,
  input: { type: 'object', properties: { pad: { type: 'string' } }, required: ['pad'] },
  tasks: Object.fromEntries(
    Array.from({ length: 30 }, (_, i) => [
      `t${i}`,
      { type: 'noop', needs: i < 10 ? [] : [`t${i - 10}`], input: { i, pad: '=input.pad' } },
    ]),
  ),
  output: { last: '=tasks.t29.output.i', count: '=$count(tasks.*)' },
};

/** 300 no-op tasks in 30 layers of 10, each needing every task of the layer before. */
const layered: TemplateInput = {
  name: 'layered-300',
  version: 1,
  tasks: Object.fromEntries(
    Array.from({ length: 300 }, (_, i) => {
      const layer = Math.floor(i / 10);
      const needs = layer === 0 ? [] : Array.from({ length: 10 }, (_, j) => `t${(layer - 1) * 10 + j}`);
      return [`t${i}`, { type: 'noop', needs, input: { i } }];
    }),
  ),
  output: { ids: '=tasks.*.output.i' },
};

/**
 * A forEach whose 40 elements return 40 KB each: 1.6 MB of outputs it collects until the last
 * element ends, 5 in flight at a time.
 */
const wideForEach: TemplateInput = {
  name: 'wide-for-each',
  version: 1,
  input: { type: 'object', properties: { pad: { type: 'string' } }, required: ['pad'] },
  tasks: {
    each: {
      type: 'noop',
      input: { i: '=index', pad: '=input.pad' },
      forEach: { items: '=[1..40]', concurrency: 5 },
    },
  },
  output: { count: '=$count(tasks.each.output)', lengths: '=tasks.each.output.$length(pad)' },
};

/** A forEach over 30 items of 40 KB each: 1.2 MB of items it holds until the last element is dispatched. */
const wideItems: TemplateInput = {
  name: 'wide-items',
  version: 1,
  input: { type: 'object', properties: { pad: { type: 'string' } }, required: ['pad'] },
  tasks: {
    each: {
      type: 'noop',
      input: { i: '=index', length: '=$length(item)' },
      forEach: { items: '=[1..30].($$.input.pad)', concurrency: 4 },
    },
  },
  output: { lengths: '=tasks.each.output.length', last: '=tasks.each.output[29].i' },
};

/**
 * Against a server whose messages carry at most 64 KiB: 1,000 elements in flight at once make a
 * state that no sealing can shrink (only ended tasks and outputs are sealed).
 */
const manyInFlight: TemplateInput = {
  name: 'many-in-flight',
  version: 1,
  tasks: {
    first: { type: 'noop', input: {} },
    each: {
      type: 'noop',
      needs: ['first'],
      input: { i: '=index' },
      forEach: { items: '=[1..1000]', concurrency: 1000 },
    },
  },
};

/** A nats-server config like the flags the harness uses, with a small max_payload. */
function smallMessagesConfig(): { file: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'oo-nats-conf-')), 'small.conf');
  writeFileSync(
    file,
    'listen: $OO_NATS_LISTEN\nmax_payload: 65536\njetstream { store_dir: $OO_NATS_STORE }\n',
  );
  return { file };
}

let bed: EngineTestbed;
afterEach(async () => {
  await bed?.stop();
});

async function storedRun(runId: string) {
  const kvm = bed.client.nats.kvm;
  const head = RunState.parse((await (await kvm.open(BucketNames.runs)).get(runId))?.json());
  const segments = await kvm.open(BucketNames.runSegments);
  const sealed: RunSegment[] = [];
  for (const name of head.segments ?? []) sealed.push(RunSegment.parse((await segments.get(name))?.json()));
  return { head, sealed };
}

describe('engine - run state size', () => {
  it('runs a template whose inline outputs together exceed a NATS message', async () => {
    bed = await startEngineTestbed([wideOutputs]);
    await bed.startEngine();
    await bed.startRunner();
    const runId = await bed.start('wide-outputs', { pad: PAD });
    const end = await bed.finished(runId, 30_000);
    expect(end).toMatchObject({ status: 'succeeded', output: { last: 29, count: 30 } });
    const { head, sealed } = await storedRun(runId);
    expect(JSON.stringify(head).length).toBeLessThan(1_000_000);
    const outputs = [...sealed.flatMap((s) => Object.values(s)), ...Object.values(head.tasks)];
    expect(outputs.map((t) => (t.output as { pad: string }).pad.length)).toEqual(Array(30).fill(40_000));
  });

  it('seals a big run’s ended tasks into segments, with two engine replicas racing on it', async () => {
    bed = await startEngineTestbed([layered]);
    await bed.startEngine();
    await bed.startEngine();
    await bed.startRunner();
    const runId = await bed.start('layered-300', {});
    const end = await bed.finished(runId, 60_000);
    // tasks.* lists the tasks in template order, though a replica that read the run back holds
    // the sealed ones first.
    expect(end).toMatchObject({ status: 'succeeded', output: { ids: [...Array(300).keys()] } });
    const { head, sealed } = await storedRun(runId);
    expect(sealed.length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(head.tasks).length).toBeLessThan(64);
    const all = { ...Object.assign({}, ...sealed), ...head.tasks } as RunState['tasks'];
    expect(Object.keys(all).sort()).toEqual(Object.keys(layered.tasks).sort());
    for (const [key, task] of Object.entries(all)) {
      expect(task, key).toMatchObject({ status: 'succeeded', output: { i: Number(key.slice(1)) } });
    }
  });

  it('collects forEach outputs that together exceed a NATS message, sealing them as they come', async () => {
    bed = await startEngineTestbed([wideForEach]);
    await bed.startEngine();
    await bed.startRunner();
    const bucket = await bed.client.nats.kvm.open(BucketNames.runSegments);
    const written = new Map<string, string[]>(); // segment -> the keys it held
    const watch = await bucket.watch();
    const watching = (async () => {
      for await (const e of watch)
        if (e.operation === 'PUT') written.set(e.key, Object.keys(e.json<object>()));
    })();
    const runId = await bed.start('wide-for-each', { pad: PAD });
    const end = await bed.finished(runId, 30_000);
    watch.stop();
    await watching;
    expect(end.status, end.error?.message).toBe('succeeded');
    expect(end.output).toEqual({ count: 40, lengths: Array(40).fill(40_000) });
    // Sealed while it ran, in segments of their own; once it ended its outputs are its own output:
    // the head lists none of those segments and they are deleted.
    const outputs = [...written].filter(([, keys]) => keys.every((k) => k.startsWith('each[')));
    expect(outputs.flatMap(([, keys]) => keys).length).toBeGreaterThanOrEqual(20);
    const { head } = await storedRun(runId);
    expect(head.segments ?? []).toEqual([]);
    for (const [name] of outputs) expect((await bucket.get(name))?.operation, name).toBe('DEL');
  });

  it('runs a forEach over items that together exceed a NATS message, holding them by reference', async () => {
    bed = await startEngineTestbed([wideItems]);
    await bed.startEngine();
    await bed.startRunner();
    const runId = await bed.start('wide-items', { pad: PAD });
    const end = await bed.finished(runId, 30_000);
    expect(end.status, end.error?.message).toBe('succeeded');
    expect(end.output).toEqual({ lengths: Array(30).fill(40_000), last: 29 });
    const items = await (await bed.client.nats.objm.open(ObjectStoreNames.outputs)).info(
      `${runId}/each/items`,
    );
    expect(items?.size).toBeGreaterThan(1_200_000);
  });

  it('fails a run whose state outgrows a NATS message however much is sealed, saying why', async () => {
    bed = await startEngineTestbed([manyInFlight], {}, { config: smallMessagesConfig() });
    await bed.startEngine();
    await bed.startRunner();
    const runId = await bed.start('many-in-flight', {});
    const end = await bed.finished(runId, 30_000);
    expect(end.status).toBe('failed');
    expect(end.error?.code).toBe('OO_ERR_WORKFLOW_STATE_TOO_LARGE');
    expect(end.error?.message).toMatch(
      /1001 tasks .* bytes of JSON, over the 61440 a NATS message may carry/,
    );
    const { head } = await storedRun(runId);
    expect(head.tasks.first?.status).toBe('cancelled');
  });
});
