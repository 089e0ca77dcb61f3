import {
  BucketNames,
  isOutputRef,
  ObjectStoreNames,
  type OutputRef,
  type RunEvent,
  type TaskEvent,
  type TemplateInput,
} from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { waitFor } from '@oo/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type EngineTestbed, startEngineTestbed } from './fixtures/engine-testbed.js';

const MIB = 1024 * 1024;

/** `{ fields: { answer }, blob }` with a blob of `bytes` characters: an AWX stdout stand-in. */
const blob = defineTask({
  type: 'test.blob',
  input: z.object({ bytes: z.number().int(), answer: z.number() }),
  output: z.object({ fields: z.object({ answer: z.number() }), blob: z.string() }),
  run: async (_ctx, input) => ({ fields: { answer: input.answer }, blob: 'x'.repeat(input.bytes) }),
});

const bigOutput: TemplateInput = {
  name: 'big-output',
  version: 1,
  input: { type: 'object', properties: { bytes: { type: 'integer' } }, required: ['bytes'] },
  tasks: {
    big: { type: 'test.blob', input: { bytes: '=input.bytes', answer: 42 } },
    reader: {
      type: 'noop',
      needs: ['big'],
      input: { answer: '=tasks.big.output.fields.answer', length: '=$length(tasks.big.output.blob)' },
    },
  },
  output: { answer: '=tasks.reader.output.answer', whole: '=tasks.big.output' },
};

const bigParent: TemplateInput = {
  name: 'big-parent',
  version: 1,
  tasks: {
    child: { type: 'workflow.run', input: { template: 'big-output', input: { bytes: 2 * MIB } } },
    fan: {
      type: 'test.blob',
      forEach: { items: '=[1, 2]', concurrency: 2 },
      input: { bytes: 2 * MIB, answer: '=item' },
    },
    reader: {
      type: 'noop',
      needs: ['child', 'fan'],
      input: { child: '=tasks.child.output.answer', fan: '=tasks.fan.output.fields.answer' },
    },
  },
  output: { read: '=tasks.reader.output' },
};

/** Tasks that read a 2 MiB output whole into their input: more than a task message carries. */
const wholeReaders: TemplateInput = {
  name: 'whole-readers',
  version: 1,
  tasks: {
    big: { type: 'test.blob', input: { bytes: 2 * MIB, answer: 1 } },
    reader: { type: 'noop', needs: ['big'], onFailure: 'continue', input: { whole: '=tasks.big.output' } },
    child: {
      type: 'workflow.run',
      needs: ['big'],
      input: { template: 'diamond', input: { label: '=tasks.big.output.blob' } },
    },
  },
};

let bed: EngineTestbed;
afterEach(async () => {
  await bed?.stop();
});

const outputsStore = () => bed.client.nats.objm.open(ObjectStoreNames.outputs);

async function readObject(ref: unknown): Promise<unknown> {
  expect(isOutputRef(ref)).toBe(true);
  const data = await (await outputsStore()).getBlob((ref as OutputRef).name);
  return JSON.parse(new TextDecoder().decode(data!));
}

async function objectNames(runId: string): Promise<string[]> {
  const all = await (await outputsStore()).list();
  return all
    .map((o) => o.name)
    .filter((n) => n.startsWith(`${runId}/`) || n.startsWith(`${runId}.`))
    .sort();
}

async function storedRun(runId: string): Promise<{ bytes: number; value: Record<string, unknown> }> {
  const entry = await (await bed.client.nats.kvm.open(BucketNames.runs)).get(runId);
  return { bytes: entry!.value.length, value: entry!.json() };
}

/** Every run and task event of these runs, as it crossed the bus, in bytes. */
function eventSizes(runIds: readonly string[]): number[] {
  const of = (e: RunEvent | TaskEvent) => runIds.includes(e.runId);
  return [...bed.runEvents.filter(of), ...bed.taskEvents.filter(of)].map((e) => JSON.stringify(e).length);
}

const taskEvent = (runId: string, taskKey: string, status: string) =>
  bed.taskEvents.find((e) => e.runId === runId && e.taskKey === taskKey && e.status === status);

describe('engine - large outputs by reference', () => {
  it('runs a task with a 2 MiB output: a ref in its end event and state, a dependant reads a field, the run output resolves it, events stay small', async () => {
    bed = await startEngineTestbed([bigOutput]);
    await bed.startEngine();
    await bed.startRunner([blob]);
    const runId = await bed.start('big-output', { bytes: 2 * MIB });
    const end = await bed.finished(runId);
    expect(end.status).toBe('succeeded');

    // The task's output travelled by reference; the dependant's input read fields of its value.
    const bigDone = taskEvent(runId, 'big', 'succeeded');
    expect(bigDone?.output).toMatchObject({
      $ref: 'outputs',
      name: `${runId}/big/1`,
      size: JSON.stringify({ fields: { answer: 42 }, blob: 'x'.repeat(2 * MIB) }).length,
    });
    expect(taskEvent(runId, 'reader', 'succeeded')?.output).toEqual({ answer: 42, length: 2 * MIB });

    // The run output (over 2 MiB: it holds the whole task output) is a reference too.
    expect(end.output).toMatchObject({ $ref: 'outputs', name: `${runId}/output` });
    const output = (await readObject(end.output)) as { answer: number; whole: { blob: string } };
    expect(output.answer).toBe(42);
    expect(output.whole.blob).toHaveLength(2 * MIB);

    const state = await storedRun(runId);
    expect(state.value).toMatchObject({ output: end.output, tasks: { big: { output: bigDone?.output } } });
    expect(state.bytes).toBeLessThan(4_096);
    expect(Math.max(...eventSizes([runId]))).toBeLessThan(2_048);
    expect(await objectNames(runId)).toEqual([`${runId}/big/1`, `${runId}/output`]);
  });

  it('fails a task whose input reads a large output whole, naming it, rather than leave it in flight for ever', async () => {
    bed = await startEngineTestbed([wholeReaders]);
    await bed.startEngine();
    await bed.startRunner([blob]);
    const runId = await bed.start('whole-readers');
    const end = await bed.finished(runId, 10_000);
    const tooLarge = {
      code: 'OO_ERR_WORKFLOW_TASK_INPUT',
      message: expect.stringMatching(/bytes of JSON, over the/),
    };
    expect(taskEvent(runId, 'reader', 'failed')?.error).toMatchObject({
      ...tooLarge,
      details: { task: 'reader' },
    });
    expect(end).toMatchObject({ status: 'failed', error: { ...tooLarge, details: { task: 'child' } } });
  });

  it('keeps a small output inline, in events and state, and writes no object', async () => {
    bed = await startEngineTestbed([bigOutput]);
    await bed.startEngine();
    await bed.startRunner([blob]);
    const runId = await bed.start('big-output', { bytes: 1_000 });
    const end = await bed.finished(runId);
    expect(end.output).toEqual({ answer: 42, whole: { fields: { answer: 42 }, blob: 'x'.repeat(1_000) } });
    expect(taskEvent(runId, 'big', 'succeeded')?.output).toEqual({
      fields: { answer: 42 },
      blob: 'x'.repeat(1_000),
    });
    expect(await objectNames(runId)).toEqual([]);
  });

  it('reads the large output of a child run and of forEach elements as values', async () => {
    bed = await startEngineTestbed([bigOutput, bigParent]);
    await bed.startEngine();
    await bed.startRunner([blob]);
    const runId = await bed.start('big-parent');
    const end = await bed.finished(runId, 30_000);
    expect(end).toMatchObject({ status: 'succeeded', output: { read: { child: 42, fan: [1, 2] } } });

    const childRunId = `${runId}.child`;
    expect(taskEvent(runId, 'child', 'succeeded')?.output).toMatchObject({ name: `${childRunId}/output` });
    const fanOutput = taskEvent(runId, 'fan', 'succeeded')?.output as OutputRef[];
    expect(fanOutput.map((r) => r.name)).toEqual([`${runId}/fan[0]/1`, `${runId}/fan[1]/1`]);
    expect(Math.max(...eventSizes([runId, childRunId]))).toBeLessThan(2_048);
  });

  it('puts a forEach task’s collected outputs in the store when together they pass the inline limit', async () => {
    const collect: TemplateInput = {
      name: 'collect',
      version: 1,
      tasks: {
        fan: {
          type: 'noop',
          forEach: { items: '=[1..8]', concurrency: 4 },
          input: { n: '=item', pad: '=$pad("", 300, "x")' },
        },
        last: { type: 'noop', needs: ['fan'], input: { n: '=tasks.fan.output[7].n' } },
      },
      output: { last: '=tasks.last.output.n' },
    };
    bed = await startEngineTestbed([collect], { outputs: { inlineMaxBytes: 1_024 } });
    await bed.startEngine();
    await bed.startRunner();
    const runId = await bed.start('collect');
    expect(await bed.finished(runId)).toMatchObject({ status: 'succeeded', output: { last: 8 } });
    const collected = taskEvent(runId, 'fan', 'succeeded')?.output;
    expect(collected).toMatchObject({ $ref: 'outputs', name: `${runId}/fan/all` });
    expect(((await readObject(collected)) as unknown[]).length).toBe(8);
  });
});

describe('engine - large outputs that cannot be read', () => {
  /**
   * Runs `big` while no engine runs, so the test can change its object before the engine reads the
   * runner's end event; then starts the engine and returns the run's end.
   */
  async function withObject(change: (name: string) => Promise<void>): Promise<RunEvent> {
    bed = await startEngineTestbed([bigOutput]);
    const engine = await bed.startEngine();
    const runId = await bed.start('big-output', { bytes: 2 * MIB });
    await waitFor(() => taskEvent(runId, 'big', 'scheduled') !== undefined);
    await engine.stop();
    await bed.startRunner([blob]);
    // The runner's end event waits in the stream for the engine that is not running.
    await waitFor(() => taskEvent(runId, 'big', 'succeeded') !== undefined);
    await change(`${runId}/big/1`);
    await bed.startEngine();
    return bed.finished(runId);
  }

  it('fails the run naming the task when its output object is missing', async () => {
    const end = await withObject(async (name) => {
      await (await outputsStore()).delete(name);
    });
    expect(end).toMatchObject({
      status: 'failed',
      error: {
        code: 'OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE',
        message: expect.stringMatching(/^output of task big cannot be read: .* is missing/),
        details: { outputOf: 'big', object: `${end.runId}/big/1` },
      },
    });
    expect(taskEvent(end.runId, 'big', 'failed')?.error?.code).toBe('OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE');
  });

  it('fails the run naming the task when its output object was replaced with other content', async () => {
    const end = await withObject(async (name) => {
      await (await outputsStore()).putBlob({ name }, new TextEncoder().encode('{"not":"it"}'));
    });
    expect(end).toMatchObject({
      status: 'failed',
      error: {
        code: 'OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE',
        message: expect.stringMatching(/^output of task big cannot be read: .* no longer matches its sha256/),
      },
    });
  });
});
