import { createHash } from 'node:crypto';
import { isOutputRef, ObjectStoreNames, OUTPUT_INLINE_MAX_BYTES, type OutputRef } from '@oo/contracts';
import { type AnyTaskDefinition, defineRunner, defineTask } from '@oo/runtime';
import { freshName } from '@oo/test-harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestbed, type Testbed } from './fixtures/task-testbed.js';

let bed: Testbed;
beforeAll(async () => {
  bed = await startTestbed();
});
afterEach(() => bed.stopActors());
afterAll(() => bed.stop());

const MIB = 1024 * 1024;
const freshType = () => `${freshName('t')}.work`;
const startRunner = (tasks: AnyTaskDefinition[]) =>
  bed.start(defineRunner({ name: freshName('runner-'), version: '1.0.0', tasks }));
const outputs = () => bed.client.nats.objm.open(ObjectStoreNames.outputs);
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The objects the outputs store holds for one run, with their content. */
async function objectsOf(runId: string) {
  const store = await outputs();
  const found = (await store.list()).filter((info) => info.name.startsWith(`${runId}/`));
  return Promise.all(
    found.map(async (info) => {
      const data = await store.getBlob(info.name);
      return { name: info.name, data: data ?? new Uint8Array() };
    }),
  );
}

/** A task whose output is `{ blob, delivery }` with a blob of `bytes` characters. */
/** `onRun` makes the task keep state (declared vars), so its report is stored before it is published. */
function blobTask(type: string, bytes: number, onRun?: (delivery: number) => Promise<void>) {
  let delivery = 0;
  return defineTask({
    type,
    input: z.object({}),
    output: z.object({ blob: z.string(), delivery: z.number() }),
    ...(onRun ? { vars: z.object({ seen: z.boolean() }) } : {}),
    async run() {
      delivery++;
      await onRun?.(delivery);
      return { blob: 'x'.repeat(bytes), delivery };
    },
  });
}

describe('runner - large outputs', () => {
  it('puts an output over the inline limit in the outputs store and reports a reference to it', async () => {
    const type = freshType();
    await startRunner([blobTask(type, 2 * MIB)]);
    const runId = await bed.dispatch(type, {});
    const [report] = await bed.reports.waitFor(runId);
    expect(report?.outcome).toBe('succeeded');
    expect(isOutputRef(report?.output)).toBe(true);
    const ref = report?.output as OutputRef;
    expect(ref.name).toBe(`${runId}/work/1`);
    expect(JSON.stringify(report).length).toBeLessThan(1_024);

    const [object, ...more] = await objectsOf(runId);
    expect(more).toEqual([]);
    expect(object?.name).toBe(ref.name);
    expect({ size: object?.data.length, sha256: sha256(object!.data) }).toEqual({
      size: ref.size,
      sha256: ref.sha256,
    });
    const value = JSON.parse(new TextDecoder().decode(object!.data)) as { blob: string; delivery: number };
    expect(value.blob.length).toBe(2 * MIB);
    expect(value.delivery).toBe(1);
  });

  it('reports an output within the inline limit as it is and writes no object', async () => {
    const type = freshType();
    await startRunner([blobTask(type, OUTPUT_INLINE_MAX_BYTES - 100)]);
    const runId = await bed.dispatch(type, {});
    const [report] = await bed.reports.waitFor(runId);
    expect(report?.output).toEqual({ blob: 'x'.repeat(OUTPUT_INLINE_MAX_BYTES - 100), delivery: 1 });
    expect(await objectsOf(runId)).toEqual([]);
  });

  it('stores a small output that looks like a reference, so no reader takes it for one', async () => {
    const type = freshType();
    const lookalike = { $ref: 'outputs', name: 'someone/else/1', size: 1, sha256: 'a'.repeat(64) };
    await startRunner([
      defineTask({ type, input: z.object({}), output: z.json(), run: async () => lookalike }),
    ]);
    const runId = await bed.dispatch(type, {});
    const [report] = await bed.reports.waitFor(runId);
    expect(report?.output).toMatchObject({ $ref: 'outputs', name: `${runId}/work/1` });
    const [object] = await objectsOf(runId);
    expect(JSON.parse(new TextDecoder().decode(object!.data))).toEqual(lookalike);
  });

  it('leaves one object when a delivery dies between its put and its report: the redelivery overwrites it', async () => {
    const type = freshType();
    const jsm = bed.client.nats.jsm;
    const taskVars = 'KV_task_vars';
    const before = (await jsm.streams.info(taskVars)).config.max_msg_size;
    // Room for the attempt's bookkeeping but not for a decided report: the first delivery puts its
    // output, then cannot store the report and fails; the runner retries the delivery.
    await jsm.streams.update(taskVars, { max_msg_size: 320 });
    let runId = '';
    let leftByFirst: Array<{ name: string; delivery: number }> = [];
    try {
      await startRunner([
        blobTask(type, 200_000, async (delivery) => {
          if (delivery !== 2) return;
          leftByFirst = (await objectsOf(runId)).map((o) => ({
            name: o.name,
            delivery: (JSON.parse(new TextDecoder().decode(o.data)) as { delivery: number }).delivery,
          }));
          await jsm.streams.update(taskVars, { max_msg_size: before });
        }),
      ]);
      runId = await bed.dispatch(type, {});
      const [report] = await bed.reports.waitFor(runId, 1, 20_000);
      const ref = report?.output as OutputRef;

      // The first delivery did put its output before it failed.
      expect(leftByFirst).toEqual([{ name: `${runId}/work/1`, delivery: 1 }]);
      const objects = await objectsOf(runId);
      expect(objects.map((o) => o.name)).toEqual([`${runId}/work/1`]);
      const stored = objects[0]!;
      expect(sha256(stored.data)).toBe(ref.sha256);
      // The object is the second delivery's output: the first one's was overwritten, not left beside it.
      expect(JSON.parse(new TextDecoder().decode(stored.data))).toMatchObject({ delivery: 2 });
      expect(bed.reports.of(runId)).toHaveLength(1);
    } finally {
      await jsm.streams.update(taskVars, { max_msg_size: before });
    }
  });
});
