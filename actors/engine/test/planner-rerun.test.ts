import { describe, expect, it } from 'vitest';
import type { RunState } from '../src/index.js';
import { commandsOf, dispatched, drive, runStatuses, template, transitions } from './run-driver.js';

const tpl = template({
  input: { type: 'object', properties: { v: { type: 'integer' } }, required: ['v'] },
  tasks: {
    a: { type: 'noop', input: { v: '=input.v' } },
    b: { type: 'noop', needs: ['a'], onFailure: 'continue' },
    c: { type: 'noop', needs: ['a'], when: '=input.v > 1' },
    d: { type: 'noop', needs: ['b', 'c'], input: { a: '=tasks.a.output' } },
  },
  output: { a: '=tasks.a.output', d: '=tasks.d.output' },
});

/** A first run where a succeeds, b fails (continue), c is skipped and d fails the run. */
async function failedRun(): Promise<RunState> {
  const run = drive(tpl, 'run_first');
  await run.start({ v: 1 });
  await run.succeed('a', 'A1');
  await run.fail('b');
  await run.fail('d');
  expect(run.state.status).toBe('failed');
  return run.state;
}

describe('planner - rerun', () => {
  it('planner - resume keeps the outputs of tasks that succeeded and reruns the others', async () => {
    const previous = await failedRun();
    const run = drive(tpl, 'run_second');
    const started = await run.start({ v: 2 }, { rerunOf: { runId: 'run_first', mode: 'resume' }, previous });
    expect(runStatuses(started)).toEqual(['running']);
    // a is carried (a succeeded event with attempt 0), b and c run again; c's `when` is now true.
    expect(transitions(started)).toEqual(['a:succeeded', 'b:scheduled', 'c:scheduled']);
    const carried = commandsOf(started, 'task-event')[0]?.event;
    expect(carried).toMatchObject({ taskKey: 'a', attempt: 0, output: 'A1' });
    expect(run.state.tasks.a).toMatchObject({ status: 'succeeded', output: 'A1', attempt: 0, carried: true });
    expect(run.state.rerunOf).toEqual({ runId: 'run_first', mode: 'resume' });

    await run.succeed('b');
    const afterC = await run.succeed('c');
    expect(commandsOf(afterC, 'schedule')[0]?.input).toEqual({ a: 'A1' });
    await run.succeed('d', 'D2');
    expect(run.state).toMatchObject({ status: 'succeeded', output: { a: 'A1', d: 'D2' } });
  });

  it('planner - resume of a run where everything succeeded completes at once', async () => {
    const first = drive(tpl, 'run_first');
    await first.start({ v: 2 });
    for (const id of ['a', 'b', 'c', 'd']) await first.succeed(id, id.toUpperCase());
    const run = drive(tpl, 'run_second');
    const started = await run.start(
      { v: 2 },
      { rerunOf: { runId: 'run_first', mode: 'resume' }, previous: first.state },
    );
    expect(dispatched(started)).toEqual([]);
    expect(runStatuses(started)).toEqual(['running', 'succeeded']);
    expect(run.state.output).toEqual({ a: 'A', d: 'D' });
  });

  it('planner - restart ignores the previous run and runs every task again', async () => {
    const previous = await failedRun();
    const run = drive(tpl, 'run_second');
    const started = await run.start({ v: 1 }, { rerunOf: { runId: 'run_first', mode: 'restart' }, previous });
    expect(dispatched(started)).toEqual(['a']);
    expect(run.state.tasks.a).toMatchObject({ status: 'scheduled', attempt: 1 });
  });

  it('planner - a rerun validates its own input again', async () => {
    const previous = await failedRun();
    const run = drive(tpl, 'run_second');
    await run.start({ v: 'two' }, { rerunOf: { runId: 'run_first', mode: 'resume' }, previous });
    expect(run.state.error?.code).toBe('OO_ERR_WORKFLOW_INPUT_INVALID');
  });

  it('planner - resume ignores a previous state that belongs to another run', async () => {
    const previous = await failedRun();
    const run = drive(tpl, 'run_second');
    const started = await run.start({ v: 1 }, { rerunOf: { runId: 'run_other', mode: 'resume' }, previous });
    expect(dispatched(started)).toEqual(['a']);
  });
});
