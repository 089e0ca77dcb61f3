import { describe, expect, it } from 'vitest';
import { plan } from '../src/index.js';
import { at, commandsOf, dispatched, drive, runStatuses, template, transitions } from './run-driver.js';

describe('planner - reconcile', () => {
  it('planner - reconcile re-emits the commands of tasks in flight and changes nothing', async () => {
    const run = drive(
      template({
        tasks: {
          a: { type: 'noop', input: { now: '=$now()' } },
          each: { type: 'noop', input: { x: '=item' }, forEach: { items: '=[10, 20, 30]', concurrency: 2 } },
          child: { type: 'workflow.run', input: { template: 'other', input: { k: 1 } } },
          later: { type: 'noop', needs: ['a'] },
        },
      }),
    );
    const started = await run.start();
    await run.succeed('each[0]');
    const before = JSON.stringify(run.state);
    const commands = await run.reconcile();
    expect(commands).toEqual([
      ...commandsOf(started, 'schedule').filter((c) => c.taskKey === 'a'),
      ...commandsOf(started, 'start-child'),
      { kind: 'schedule', taskKey: 'each[1]', type: 'noop', attempt: 1, input: { x: 20 } },
      { kind: 'schedule', taskKey: 'each[2]', type: 'noop', attempt: 1, input: { x: 30 } },
    ]);
    // $now() is the time the task became ready, so the re-emitted input is the one first sent.
    expect(commandsOf(commands, 'schedule')[0]?.input).toEqual({ now: at(0) });
    expect(JSON.stringify(run.state)).toBe(before);
  });

  it('planner - reconcile finishes a run left running with nothing open', async () => {
    const run = drive(template({ tasks: { a: { type: 'noop' } }, output: { a: '=tasks.a.output' } }));
    await run.start();
    await run.succeed('a', 'done');
    // A state as a crashed or older engine might have left it: the task ended, the run did not.
    const stuck = structuredClone(run.state);
    Object.assign(stuck, { status: 'running', open: 1 });
    delete stuck.output;
    delete stuck.finishedAt;
    const result = await plan(run.tpl, stuck, { kind: 'reconcile', at: at(9) });
    expect(runStatuses(result.commands)).toEqual(['succeeded']);
    expect(result.state).toMatchObject({
      status: 'succeeded',
      output: { a: 'done' },
      open: 0,
      finishedAt: at(9),
    });
  });

  it('planner - reconcile starts a pending task whose needs all finished', async () => {
    const run = drive(template({ tasks: { a: { type: 'noop' }, b: { type: 'noop', needs: ['a'] } } }));
    await run.start();
    await run.succeed('a');
    const lost = structuredClone(run.state);
    // As if the scheduling of b had been lost: b pending with a stale counter.
    lost.tasks.b = { type: 'noop', status: 'pending', attempt: 0, waiting: 1 };
    const result = await plan(run.tpl, lost, { kind: 'reconcile', at: at(9) });
    expect(commandsOf(result.commands, 'schedule').map((c) => c.taskKey)).toEqual(['b']);
  });

  it('planner - reconcile counts tasks with no entry yet as open and waiting', async () => {
    const chain = template({
      tasks: { a: { type: 'noop' }, b: { type: 'noop', needs: ['a'] }, c: { type: 'noop', needs: ['b'] } },
    });
    const run = drive(chain);
    await run.start();
    // Only the root has an entry: b and c wait on needs none of which has finished.
    expect(Object.keys(run.state.tasks)).toEqual(['a']);
    const result = await plan(run.tpl, structuredClone(run.state), { kind: 'reconcile', at: at(9) });
    expect(commandsOf(result.commands, 'schedule').map((c) => c.taskKey)).toEqual(['a']);
    expect(result.state).toMatchObject({ status: 'running', open: 3 });
    expect(Object.keys(result.state.tasks)).toEqual(['a']);
    await run.succeed('a');
    expect(run.state.tasks.c).toBeUndefined();
    expect(run.state.tasks.b?.status).toBe('scheduled');
  });

  it('planner - reconcile counts a need with no entry yet as not finished', async () => {
    const run = drive(
      template({
        tasks: {
          a: { type: 'noop' },
          b: { type: 'noop', needs: ['a'] },
          c: { type: 'noop', needs: ['b'] },
          d: { type: 'noop', needs: ['a', 'c'] },
        },
      }),
    );
    await run.start();
    await run.succeed('a');
    expect(run.state.tasks.c).toBeUndefined();
    expect(run.state.tasks.d).toMatchObject({ status: 'pending', waiting: 1 });
    const result = await plan(run.tpl, structuredClone(run.state), { kind: 'reconcile', at: at(9) });
    expect(commandsOf(result.commands, 'schedule').map((c) => c.taskKey)).toEqual(['b']);
    expect(result.state.tasks.d).toMatchObject({ status: 'pending', waiting: 1 });
  });

  it('planner - reconcile fails the abandoned tasks it is given and sends the others again', async () => {
    const run = drive(
      template({
        tasks: {
          lost: { type: 'noop' },
          slow: { type: 'noop' },
          after: { type: 'noop', needs: ['lost'] },
        },
      }),
    );
    await run.start();
    const commands = await run.reconcile([{ taskKey: 'lost', attempt: 1, since: at(0) }]);
    expect(transitions(commands)).toEqual(['lost:failed', 'slow:cancelled', 'after:skipped']);
    expect(dispatched(commands)).toEqual([]);
    expect(runStatuses(commands)).toEqual(['failed']);
    expect(run.state.tasks.lost?.error).toMatchObject({
      code: 'OO_ERR_WORKFLOW_TASK_ABANDONED',
      message: `no runner has taken or finished task lost (type noop) since ${at(0)}, though it was sent again; is a runner hosting noop running?`,
      details: { task: 'lost', type: 'noop', since: at(0) },
    });
    expect(run.state.failedTask).toBe('lost');
  });

  it('planner - an abandoned task with onFailure continue lets the run go on', async () => {
    const run = drive(
      template({
        tasks: {
          lost: { type: 'noop', onFailure: 'continue' },
          after: { type: 'noop', needs: ['lost'] },
        },
      }),
    );
    await run.start();
    const commands = await run.reconcile([{ taskKey: 'lost', attempt: 1, since: at(0) }]);
    expect(transitions(commands)).toEqual(['lost:failed', 'after:scheduled']);
    expect(run.state.status).toBe('running');
  });

  it('planner - reconcile gives up neither a task dispatched again since nor a child run', async () => {
    const run = drive(
      template({
        tasks: {
          a: { type: 'noop' },
          child: { type: 'workflow.run', input: { template: 'other', input: {} } },
        },
      }),
    );
    await run.start();
    const before = JSON.stringify(run.state);
    const commands = await run.reconcile([
      { taskKey: 'a', attempt: 2, since: at(0) },
      { taskKey: 'child', attempt: 1, since: at(0) },
    ]);
    expect(transitions(commands)).toEqual([]);
    expect(dispatched(commands)).toEqual(['a', 'child']);
    expect(JSON.stringify(run.state)).toBe(before);
  });
});
