import { OoError } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { plan } from '../src/index.js';
import { at, commandsOf, dispatched, drive, runStatuses, template, transitions } from './run-driver.js';

const diamond = template({
  tasks: {
    a: { type: 'noop', input: { n: 1 } },
    b: { type: 'noop', needs: ['a'], input: { fromA: '=tasks.a.output.n' } },
    c: { type: 'noop', needs: ['a'] },
    d: { type: 'noop', needs: ['b', 'c'], input: { sum: '=tasks.b.output.n + tasks.c.output.n' } },
    e: { type: 'noop', needs: ['d'] },
  },
  output: { total: '=tasks.d.output.n', literal: 'kept', escaped: '==not an expression' },
});

describe('planner - dependencies', () => {
  it('planner - runs a diamond a -> (b, c) -> d -> e in dependency order', async () => {
    const run = drive(diamond);
    const started = await run.start();
    expect(runStatuses(started)).toEqual(['running']);
    expect(dispatched(started)).toEqual(['a']);
    expect(dispatched(await run.succeed('a', { n: 1 }))).toEqual(['b', 'c']);
    expect(dispatched(await run.succeed('c', { n: 2 }))).toEqual([]);
    expect(dispatched(await run.succeed('b', { n: 3 }))).toEqual(['d']);
    expect(dispatched(await run.succeed('d', { n: 5 }))).toEqual(['e']);
    const last = await run.succeed('e');
    expect(runStatuses(last)).toEqual(['succeeded']);
    expect(run.state.status).toBe('succeeded');
    expect(run.state.output).toEqual({ total: 5, literal: 'kept', escaped: '=not an expression' });
  });

  it('planner - marks a reported end as announced by its runner, and the events the engine makes as its own', async () => {
    const run = drive(diamond);
    await run.start();
    const events = commandsOf(await run.succeed('a', { n: 1 }), 'task-event');
    expect(events.map((c) => [`${c.event.taskKey}:${c.event.status}`, c.announced === true])).toEqual([
      ['a:succeeded', true],
      ['b:scheduled', false],
      ['c:scheduled', false],
    ]);
    const failed = commandsOf(await run.fail('b'), 'task-event');
    expect(failed.map((c) => [`${c.event.taskKey}:${c.event.status}`, c.announced === true])).toEqual([
      ['b:failed', true],
      ['c:cancelled', false],
      ['d:skipped', false],
      ['e:skipped', false],
    ]);
  });

  it('planner - evaluates inputs over the outputs of finished needs', async () => {
    const run = drive(diamond);
    await run.start();
    const afterA = await run.succeed('a', { n: 1 });
    expect(commandsOf(afterA, 'schedule').find((c) => c.taskKey === 'b')?.input).toEqual({ fromA: 1 });
    await run.succeed('b', { n: 3 });
    const afterC = await run.succeed('c', { n: 2 });
    expect(commandsOf(afterC, 'schedule')[0]?.input).toEqual({ sum: 5 });
  });

  it('planner - lists tasks.* in template order, whatever order the state holds them in', async () => {
    const tpl = template({
      tasks: { x: { type: 'noop' }, y: { type: 'noop' }, z: { type: 'noop', needs: ['x', 'y'] } },
      output: { order: '=tasks.*.output.id' },
    });
    const run = drive(tpl);
    await run.start();
    await run.succeed('x', { id: 'x' });
    await run.succeed('y', { id: 'y' });
    // As a state read back from segments holds them: the sealed tasks first.
    const { z, ...rest } = run.state.tasks;
    run.state.tasks = { z: z!, ...Object.fromEntries(Object.entries(rest).reverse()) };
    await run.succeed('z', { id: 'z' });
    expect(run.state.output).toEqual({ order: ['x', 'y', 'z'] });
  });

  it('planner - never schedules a fan-in task before every one of its needs finishes', async () => {
    const parallel = Object.fromEntries(
      ['p0', 'p1', 'p2', 'p3'].map((id) => [id, { type: 'noop', needs: ['root'] }]),
    );
    const run = drive(
      template({
        tasks: { root: { type: 'noop' }, ...parallel, join: { type: 'noop', needs: Object.keys(parallel) } },
      }),
    );
    await run.start();
    expect(dispatched(await run.succeed('root'))).toEqual(['p0', 'p1', 'p2', 'p3']);
    for (const id of ['p2', 'p0', 'p3']) expect(dispatched(await run.succeed(id))).toEqual([]);
    expect(dispatched(await run.succeed('p1'))).toEqual(['join']);
  });

  it('planner - copies the retry policy and timeout into the schedule command', async () => {
    const run = drive(
      template({ tasks: { a: { type: 'noop', retry: { maxAttempts: 5 }, timeoutMs: 1_000 } } }),
    );
    const [schedule] = commandsOf(await run.start(), 'schedule');
    expect(schedule).toMatchObject({ taskKey: 'a', attempt: 1, timeoutMs: 1_000, retry: { maxAttempts: 5 } });
  });
});

describe('planner - when and failures', () => {
  it('planner - skips a task whose when is false and still runs the tasks that need it', async () => {
    const run = drive(
      template({
        input: { type: 'object', properties: { deploy: { type: 'boolean' } } },
        tasks: {
          deploy: { type: 'noop', when: '=input.deploy' },
          after: { type: 'noop', needs: ['deploy'], input: { seen: '=tasks.deploy.status' } },
        },
      }),
    );
    const started = await run.start({ deploy: false });
    expect(transitions(started)).toEqual(['deploy:skipped', 'after:scheduled']);
    expect(commandsOf(started, 'schedule')[0]?.input).toEqual({ seen: 'skipped' });
    expect(runStatuses(await run.succeed('after'))).toEqual(['succeeded']);
  });

  it('planner - onFailure continue lets the run go on and shows the failure to dependants', async () => {
    const run = drive(
      template({
        tasks: {
          flaky: { type: 'noop', onFailure: 'continue' },
          next: { type: 'noop', needs: ['flaky'], input: { code: '=tasks.flaky.error.code' } },
        },
      }),
    );
    await run.start();
    const afterFail = await run.fail('flaky');
    expect(transitions(afterFail)).toEqual(['flaky:failed', 'next:scheduled']);
    expect(commandsOf(afterFail, 'schedule')[0]?.input).toEqual({ code: 'OO_ERR_TIMEOUT' });
    await run.succeed('next');
    expect(run.state.status).toBe('succeeded');
  });

  it('planner - onFailure fail fails the run, skips pending tasks and cancels those in flight', async () => {
    const run = drive(
      template({
        tasks: {
          a: { type: 'noop' },
          b: { type: 'noop' },
          c: { type: 'noop', needs: ['a'] },
          child: { type: 'workflow.run', input: { template: 'other', input: {} } },
        },
      }),
    );
    await run.start();
    const error = { code: 'OO_ERR_TIMEOUT', message: 'a timed out', retryable: false };
    const commands = await run.fail('a', error);
    expect(transitions(commands)).toEqual(['a:failed', 'b:cancelled', 'c:skipped', 'child:cancelled']);
    expect(commandsOf(commands, 'cancel-tasks')).toEqual([{ kind: 'cancel-tasks', taskKeys: ['b'] }]);
    expect(commandsOf(commands, 'cancel-child')).toEqual([
      { kind: 'cancel-child', childRunId: 'run1.child', reason: 'run failed: a failed' },
    ]);
    expect(runStatuses(commands)).toEqual(['failed']);
    expect(run.state).toMatchObject({ status: 'failed', error, failedTask: 'a', open: 0 });
  });

  it('planner - a fail event fails the run with its error: pending tasks skipped, those in flight cancelled', async () => {
    const run = drive(
      template({ tasks: { a: { type: 'noop' }, b: { type: 'noop' }, c: { type: 'noop', needs: ['a'] } } }),
    );
    await run.start();
    await run.succeed('b');
    const error = { code: 'OO_ERR_WORKFLOW_STATE_TOO_LARGE', message: 'too big to store', retryable: false };
    const commands = await run.apply({ kind: 'fail', at: at(99), error });
    expect(transitions(commands)).toEqual(['a:cancelled', 'c:skipped']);
    expect(commandsOf(commands, 'cancel-tasks')).toEqual([{ kind: 'cancel-tasks', taskKeys: ['a'] }]);
    expect(runStatuses(commands)).toEqual(['failed']);
    expect(run.state).toMatchObject({ status: 'failed', error, open: 0 });
    expect(run.state.failedTask).toBeUndefined();
    expect(run.state.tasks.b?.status).toBe('succeeded');
  });

  it('planner - an input expression that throws fails its task with OO_ERR_WORKFLOW_EXPRESSION', async () => {
    const run = drive(
      template({
        tasks: {
          bad: { type: 'noop', onFailure: 'continue', input: { x: '=$error("no network")' } },
          badWhen: { type: 'noop', when: '=$error("no flag")' },
        },
      }),
    );
    const commands = await run.start();
    expect(transitions(commands)).toEqual(['bad:failed', 'badWhen:failed']);
    expect(run.state.tasks.bad?.error).toMatchObject({
      code: 'OO_ERR_WORKFLOW_EXPRESSION',
      retryable: false,
      details: { task: 'bad', field: 'input.x' },
    });
    expect(run.state.tasks.bad?.error?.message).toContain('no network');
    expect(run.state).toMatchObject({ status: 'failed', failedTask: 'badWhen' });
  });

  it('planner - an output expression that throws fails the run with OO_ERR_WORKFLOW_EXPRESSION', async () => {
    const run = drive(template({ tasks: { a: { type: 'noop' } }, output: { x: '=$error("bad output")' } }));
    await run.start();
    expect(runStatuses(await run.succeed('a'))).toEqual(['failed']);
    expect(run.state.error).toMatchObject({
      code: 'OO_ERR_WORKFLOW_EXPRESSION',
      details: { field: 'output.x' },
    });
  });

  it('planner - a failure reported without an error gets OO_ERR_WORKFLOW_TASK_FAILED', async () => {
    const run = drive(template({ tasks: { a: { type: 'noop' } } }));
    await run.start();
    await run.apply({
      kind: 'report',
      at: at(5),
      report: {
        runId: 'run1',
        taskKey: 'a',
        type: 'noop',
        status: 'failed',
        attempt: 3,
        startedAt: at(4),
        at: at(5),
      },
    });
    expect(run.state.error?.code).toBe('OO_ERR_WORKFLOW_TASK_FAILED');
  });
});

describe('planner - cancel and repeated events', () => {
  it('planner - cancel ends every open task as cancelled and stops tasks and child runs in flight', async () => {
    const run = drive(
      template({
        tasks: {
          a: { type: 'noop' },
          b: { type: 'noop', needs: ['a'] },
          child: { type: 'workflow.run', input: { template: 'other', input: {} } },
        },
      }),
    );
    await run.start();
    const commands = await run.cancel('no longer needed');
    expect(transitions(commands)).toEqual(['a:cancelled', 'b:cancelled', 'child:cancelled']);
    expect(commandsOf(commands, 'cancel-tasks')).toEqual([{ kind: 'cancel-tasks', taskKeys: ['a'] }]);
    expect(commandsOf(commands, 'cancel-child')).toEqual([
      { kind: 'cancel-child', childRunId: 'run1.child', reason: 'no longer needed' },
    ]);
    expect(run.state).toMatchObject({ status: 'cancelled', error: { code: 'OO_ERR_CANCELLED' } });
  });

  it('planner - a duplicate report changes nothing', async () => {
    const run = drive(diamond);
    await run.start();
    await run.succeed('a', { n: 1 });
    const before = JSON.stringify(run.state);
    expect(await run.succeed('a', { n: 99 })).toEqual([]);
    expect(await run.fail('a')).toEqual([]);
    expect(JSON.stringify(run.state)).toBe(before);
  });

  // But a late success of a task the end cancelled: planner-late-success.test.ts.
  it('planner - events for a finished run change nothing', async () => {
    const run = drive(template({ tasks: { a: { type: 'noop' }, b: { type: 'noop' } } }));
    await run.start();
    await run.cancel();
    const before = JSON.stringify(run.state);
    expect(await run.fail('a')).toEqual([]);
    expect(await run.reconcile()).toEqual([]);
    expect(await run.cancel()).toEqual([]);
    expect(JSON.stringify(run.state)).toBe(before);
  });

  it('planner - a second start for the same run changes nothing', async () => {
    const run = drive(diamond);
    await run.start();
    const before = JSON.stringify(run.state);
    expect(await run.start()).toEqual([]);
    expect(JSON.stringify(run.state)).toBe(before);
  });

  it('planner - an event other than start for a run without state throws OO_ERR_WORKFLOW_RUN_NOT_FOUND', async () => {
    const thrown = await plan(diamond, undefined, { kind: 'cancel', at: at(0), reason: 'x' }).catch((e) => e);
    expect(thrown).toBeInstanceOf(OoError);
    expect(thrown.code).toBe('OO_ERR_WORKFLOW_RUN_NOT_FOUND');
  });
});

describe('planner - input', () => {
  const strict = template({
    input: {
      type: 'object',
      required: ['name', 'cpu'],
      properties: {
        name: { type: 'string', minLength: 3 },
        cpu: { type: 'integer', minimum: 1 },
        disk: { type: 'integer', default: 100 },
        net: { type: 'object', properties: { vlan: { type: 'integer' } } },
      },
      additionalProperties: false,
    },
    tasks: { a: { type: 'noop', input: { disk: '=input.disk' } } },
  });

  it('planner - fails a run whose input is invalid, listing every field', async () => {
    const run = drive(strict);
    const commands = await run.start({ name: 'x', net: { vlan: 'ten' }, colour: 'red' });
    expect(runStatuses(commands)).toEqual(['failed']);
    expect(dispatched(commands)).toEqual([]);
    expect(run.state.error?.code).toBe('OO_ERR_WORKFLOW_INPUT_INVALID');
    const issues = run.state.error?.details?.issues as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path).sort()).toEqual(['colour', 'cpu', 'name', 'net.vlan']);
    expect(run.state.error?.message).toContain('cpu is required');
  });

  it('planner - applies the input schema defaults before the run starts', async () => {
    const run = drive(strict);
    const commands = await run.start({ name: 'web', cpu: 2 });
    expect(commandsOf(commands, 'schedule')[0]?.input).toEqual({ disk: 100 });
    expect(run.state.input).toEqual({ name: 'web', cpu: 2, disk: 100 });
  });
});
