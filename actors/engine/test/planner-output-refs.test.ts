import type { OutputRef } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { type PlannerEvent, type ResolvedOutput, type RunState, refKey } from '../src/index.js';
import { refsToLoad } from '../src/output-refs.js';
import { runHead } from './fixtures/run-head.js';
import { at, commandsOf, drive, runStatuses, TRACE, template, transitions } from './run-driver.js';

/** A reference as the runner would report it; the planner only compares name and digest. */
function ref(name: string, digit = 'a'): OutputRef {
  return { $ref: 'outputs', name, size: 2 * 1024 * 1024, sha256: digit.repeat(64) };
}

const big = { fields: { answer: 42 }, blob: 'x'.repeat(1_000) };

const chain = template({
  tasks: {
    a: { type: 'noop' },
    b: { type: 'noop', needs: ['a'], input: { answer: '=tasks.a.output.fields.answer' } },
    c: { type: 'noop', needs: ['b'], input: { status: '=tasks.a.status' } },
  },
  output: { answer: '=tasks.b.output.answer', length: '=$length(tasks.a.output.blob)' },
});

/** A started run of a forEach over 3 items, 2 in flight, its items held by reference as `loaded`. */
async function itemsHeldBy(loaded: ResolvedOutput) {
  const tpl = template({
    input: { type: 'object' },
    tasks: {
      fan: { type: 'noop', input: { item: '=item' }, forEach: { items: '=input.items', concurrency: 2 } },
    },
  });
  const itemsRef = ref('run1/fan/items', 'd');
  const run = drive(tpl, 'run1', new Map([[refKey(itemsRef), loaded]]));
  await run.start({ items: ['x', 'y', 'z'] });
  run.state.tasks.fan!.forEach!.items = itemsRef; // as the engine offloads large items
  return run;
}

describe('planner - outputs kept by reference', () => {
  it('planner - a dependant input and the run output read fields of a referenced output; the state keeps the reference', async () => {
    const aRef = ref('run1/a/1');
    const outputs = new Map<string, ResolvedOutput>([[refKey(aRef), { value: big }]]);
    const run = drive(chain, 'run1', outputs);
    await run.start();
    expect(run.state.outputRefs).toBe(false);
    const afterA = await run.succeed('a', aRef);
    expect(run.state.outputRefs).toBe(true); // from now on the engine looks for references
    expect(commandsOf(afterA, 'schedule')).toMatchObject([{ taskKey: 'b', input: { answer: 42 } }]);
    expect(commandsOf(afterA, 'task-event')[0]?.event).toMatchObject({ taskKey: 'a', output: aRef });
    expect(run.state.tasks.a?.output).toEqual(aRef);
    await run.succeed('b', { answer: 42 });
    const end = await run.succeed('c');
    expect(runStatuses(end)).toEqual(['succeeded']);
    expect(run.state.output).toEqual({ answer: 42, length: 1_000 });
  });

  it('planner - a reported output that cannot be read fails its task with an error naming it', async () => {
    const aRef = ref('run1/a/1');
    const outputs = new Map<string, ResolvedOutput>([
      [refKey(aRef), { unavailable: 'is missing from the store (expired or deleted)' }],
    ]);
    const run = drive(chain, 'run1', outputs);
    await run.start();
    const commands = await run.succeed('a', aRef);
    expect(transitions(commands)).toEqual(['a:failed', 'b:skipped', 'c:skipped']);
    // The runner announced `succeeded`; the engine says otherwise with an event of its own.
    expect(commandsOf(commands, 'task-event').every((c) => !c.announced)).toBe(true);
    expect(run.state).toMatchObject({
      status: 'failed',
      failedTask: 'a',
      error: {
        code: 'OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE',
        message: expect.stringMatching(
          /^output of task a cannot be read: object outputs\/run1\/a\/1 .* missing/,
        ),
        details: { outputOf: 'a', object: 'run1/a/1' },
      },
    });
  });

  it('planner - a carried reference that is gone fails the task reading it, naming the task that made it', async () => {
    const aRef = ref('run_first/a/1');
    const first = drive(chain, 'run_first', new Map([[refKey(aRef), { value: big }]]));
    await first.start();
    await first.succeed('a', aRef);
    await first.fail('b');
    const outputs = new Map<string, ResolvedOutput>([
      [refKey(aRef), { unavailable: 'is missing from the store (expired or deleted)' }],
    ]);
    const run = drive(chain, 'run_second', outputs);
    const started = await run.start(
      {},
      { rerunOf: { runId: 'run_first', mode: 'resume' }, previous: first.state },
    );
    expect(transitions(started)).toEqual(['a:succeeded', 'b:failed', 'c:skipped']);
    expect(run.state).toMatchObject({
      status: 'failed',
      failedTask: 'b',
      error: {
        code: 'OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE',
        message: expect.stringContaining('output of task a cannot be read'),
        details: { task: 'b', outputOf: 'a' },
      },
    });
  });

  it('planner - forEach element outputs by reference are collected as references and read as values', async () => {
    const tpl = template({
      input: { type: 'object' },
      tasks: {
        fan: { type: 'noop', forEach: { items: '=input.items', concurrency: 2 } },
        after: { type: 'noop', needs: ['fan'], input: { second: '=tasks.fan.output[1].fields.answer' } },
      },
      output: { count: '=$count(tasks.fan.output)' },
    });
    const refs = [ref('run1/fan[0]/1', 'b'), ref('run1/fan[1]/1', 'c')];
    const outputs = new Map<string, ResolvedOutput>(
      refs.map((r, i) => [refKey(r), { value: { fields: { answer: i } } }]),
    );
    const run = drive(tpl, 'run1', outputs);
    await run.start({ items: [1, 2] });
    await run.succeed('fan[1]', refs[1]);
    const done = await run.succeed('fan[0]', refs[0]);
    expect(run.state.tasks.fan?.output).toEqual(refs);
    expect(commandsOf(done, 'schedule')).toMatchObject([{ taskKey: 'after', input: { second: 1 } }]);
    await run.succeed('after');
    expect(run.state.output).toEqual({ count: 2 });
  });

  it('planner - forEach items by reference give each element its item, also when reconciled', async () => {
    const run = await itemsHeldBy({ value: ['x', 'y', 'z'] });
    const next = await run.succeed('fan[0]');
    expect(commandsOf(next, 'schedule')).toMatchObject([{ taskKey: 'fan[2]', input: { item: 'z' } }]);
    const again = await run.reconcile();
    expect(commandsOf(again, 'schedule').map((c) => [c.taskKey, c.input])).toEqual([
      ['fan[1]', { item: 'y' }],
      ['fan[2]', { item: 'z' }],
    ]);
  });

  it('planner - forEach items that cannot be read fail the forEach, naming them, and cancel its elements', async () => {
    const run = await itemsHeldBy({ unavailable: 'is missing from the store (expired or deleted)' });
    const commands = await run.succeed('fan[0]');
    expect(transitions(commands)).toEqual(['fan[0]:succeeded', 'fan[1]:cancelled', 'fan:failed']);
    expect(run.state).toMatchObject({
      status: 'failed',
      error: {
        code: 'OO_ERR_WORKFLOW_OUTPUT_UNAVAILABLE',
        message: expect.stringMatching(
          /^items of forEach task fan cannot be read: object outputs\/run1\/fan\/items .* missing/,
        ),
        details: { task: 'fan', object: 'run1/fan/items' },
      },
    });
  });

  it('planner - a child run output by reference is the workflow.run task output, read as its value', async () => {
    const tpl = template({
      tasks: {
        child: { type: 'workflow.run', input: { template: 'inner', input: {} } },
        after: { type: 'noop', needs: ['child'], input: { answer: '=tasks.child.output.fields.answer' } },
      },
    });
    const childRef = ref('run1.child/output');
    const run = drive(tpl, 'run1', new Map([[refKey(childRef), { value: big }]]));
    await run.start();
    const commands = await run.childFinished('child', 'succeeded', { output: childRef });
    expect(run.state.tasks.child?.output).toEqual(childRef);
    expect(commandsOf(commands, 'schedule')).toMatchObject([{ taskKey: 'after', input: { answer: 42 } }]);
  });
});

describe('output refs - what the engine loads before planning', () => {
  const state = (done: number, outputs: unknown[]): RunState =>
    runHead({
      runId: 'run1',
      traceId: TRACE,
      tasks: {
        a: { type: 'noop', status: 'succeeded', attempt: 1, output: ref('run1/a/1') },
        fan: {
          type: 'noop',
          status: 'running',
          attempt: 1,
          forEach: { total: 3, next: 3, done, outputs },
        },
      },
      open: 1,
      startedAt: at(0),
      updatedAt: at(0),
    });
  const reportOf = (output: unknown): PlannerEvent => ({
    kind: 'report',
    at: at(1),
    report: {
      runId: 'run1',
      taskKey: 'fan[2]',
      type: 'noop',
      status: 'succeeded',
      attempt: 1,
      output,
      startedAt: at(1),
      at: at(1),
    },
  });

  it('output refs - loads every task output, the reported one, and forEach element outputs once the forEach may finish', () => {
    const reported = ref('run1/fan[2]/1', 'c');
    const element = ref('run1/fan[0]/1', 'b');
    const early = refsToLoad(state(0, [element, null, null]), reportOf(reported));
    expect(early.refs.map((r) => r.name)).toEqual(['run1/a/1', 'run1/fan[2]/1']);
    const last = refsToLoad(state(2, [element, { small: true }, null]), reportOf(reported));
    expect(last.refs.map((r) => r.name)).toEqual(['run1/a/1', 'run1/fan[0]/1', 'run1/fan[2]/1']);
  });

  it('output refs - loads the items of a forEach held by reference on every event', () => {
    const items = ref('run1/fan/items', 'd');
    const held = state(0, [null, null, null]);
    held.tasks.fan!.forEach!.items = items;
    expect(refsToLoad(held, reportOf(undefined)).refs.map((r) => r.name)).toEqual([
      'run1/a/1',
      'run1/fan/items',
    ]);
  });

  it('output refs - skips the tasks of a run that never held a reference, but not the reported output', () => {
    const reported = ref('run1/fan[2]/1', 'c');
    const plain = { ...state(2, [{ small: true }, { small: true }, null]), outputRefs: false };
    plain.tasks = {
      ...plain.tasks,
      a: { type: 'noop', status: 'succeeded', attempt: 1, output: { small: true } },
    };
    expect(refsToLoad(plain, reportOf(reported)).refs.map((r) => r.name)).toEqual(['run1/fan[2]/1']);
  });
});
