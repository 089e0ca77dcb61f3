import { describe, expect, it } from 'vitest';
import { commandsOf, dispatched, drive, runStatuses, template, transitions } from './run-driver.js';

function forEachTemplate(concurrency: number, extra: Record<string, unknown> = {}) {
  return template({
    input: { type: 'object' },
    tasks: {
      ping: {
        type: 'noop',
        input: { host: '=item', at: '=index' },
        forEach: { items: '=input.hosts', concurrency },
        ...extra,
      },
      after: { type: 'noop', needs: ['ping'], input: { all: '=tasks.ping.output' } },
    },
    output: { pings: '=tasks.ping.output' },
  });
}

function inFlight(state: { tasks: Record<string, unknown> }): string[] {
  return Object.keys(state.tasks).filter((k) => k.startsWith('ping['));
}

describe('planner - forEach', () => {
  it('planner - forEach never has more than `concurrency` elements in flight', async () => {
    const run = drive(forEachTemplate(2));
    const hosts = ['h0', 'h1', 'h2', 'h3', 'h4'];
    const started = await run.start({ hosts });
    expect(transitions(started)[0]).toBe('ping:running');
    expect(dispatched(started)).toEqual(['ping[0]', 'ping[1]']);
    expect(commandsOf(started, 'schedule').map((c) => c.input)).toEqual([
      { host: 'h0', at: 0 },
      { host: 'h1', at: 1 },
    ]);
    const order = ['ping[1]', 'ping[2]', 'ping[0]', 'ping[4]', 'ping[3]'];
    const next: string[][] = [];
    for (const key of order) {
      next.push(dispatched(await run.succeed(key, `out-${key}`)).filter((k) => k.startsWith('ping')));
      expect(inFlight(run.state).length).toBeLessThanOrEqual(2);
    }
    expect(next).toEqual([['ping[2]'], ['ping[3]'], ['ping[4]'], [], []]);
  });

  it('planner - forEach output lists element outputs in index order, whatever order they finish in', async () => {
    const run = drive(forEachTemplate(3));
    await run.start({ hosts: ['a', 'b', 'c'] });
    await run.succeed('ping[2]', 'C');
    await run.succeed('ping[0]', 'A');
    const last = await run.succeed('ping[1]', 'B');
    expect(transitions(last)).toEqual(['ping[1]:succeeded', 'ping:succeeded', 'after:scheduled']);
    expect(commandsOf(last, 'schedule')[0]?.input).toEqual({ all: ['A', 'B', 'C'] });
    expect(run.state.tasks.ping).toMatchObject({ status: 'succeeded', output: ['A', 'B', 'C'] });
    expect(run.state.tasks.ping?.forEach).toEqual({ total: 3, next: 3, done: 3 });
    expect(inFlight(run.state)).toEqual([]);
  });

  it('planner - forEach over an empty array succeeds at once with []', async () => {
    const run = drive(forEachTemplate(2));
    const started = await run.start({ hosts: [] });
    expect(transitions(started)).toEqual(['ping:succeeded', 'after:scheduled']);
    expect(run.state.tasks.ping?.output).toEqual([]);
  });

  it('planner - forEach whose items are not an array fails with OO_ERR_WORKFLOW_FOREACH_ITEMS', async () => {
    const run = drive(forEachTemplate(2));
    const started = await run.start({ hosts: 'h0' });
    expect(transitions(started)[0]).toBe('ping:failed');
    expect(run.state.tasks.ping?.error?.code).toBe('OO_ERR_WORKFLOW_FOREACH_ITEMS');
    expect(run.state.status).toBe('failed');
  });

  it('planner - a failed element fails its parent, dispatches no more and cancels elements in flight', async () => {
    const run = drive(forEachTemplate(3, { onFailure: 'continue' }));
    await run.start({ hosts: ['a', 'b', 'c', 'd', 'e'] });
    const commands = await run.fail('ping[1]');
    expect(transitions(commands)).toEqual([
      'ping[1]:failed',
      'ping[0]:cancelled',
      'ping[2]:cancelled',
      'ping:failed',
      'after:scheduled',
    ]);
    expect(commandsOf(commands, 'cancel-tasks')).toEqual([
      {
        kind: 'cancel-tasks',
        taskKeys: ['ping[0]', 'ping[2]'],
        reason: expect.stringMatching(/^forEach ping failed: /),
      },
    ]);
    expect(run.state.tasks.ping?.error?.code).toBe('OO_ERR_TIMEOUT');
    expect(await run.succeed('ping[0]')).toEqual([]);
    expect(runStatuses(await run.succeed('after'))).toEqual(['succeeded']);
  });

  it('planner - an element whose input throws fails the parent with OO_ERR_WORKFLOW_EXPRESSION', async () => {
    const run = drive(
      template({
        tasks: {
          each: {
            type: 'noop',
            input: { x: '=item = 2 ? $error("two") : item' },
            forEach: { items: '=[1, 2, 3]', concurrency: 1 },
          },
        },
      }),
    );
    await run.start();
    const commands = await run.succeed('each[0]');
    expect(transitions(commands)).toEqual(['each[0]:succeeded', 'each[1]:failed', 'each:failed']);
    expect(run.state.error).toMatchObject({
      code: 'OO_ERR_WORKFLOW_EXPRESSION',
      details: { task: 'each[1]' },
    });
  });

  it('planner - a forEach of workflow.run starts one child run per element', async () => {
    const run = drive(
      template({
        tasks: {
          vms: {
            type: 'workflow.run',
            input: { template: 'vm', input: { name: '=item' } },
            forEach: { items: '=["web1", "web2"]', concurrency: 5 },
          },
        },
      }),
    );
    const started = await run.start();
    expect(commandsOf(started, 'start-child')).toEqual([
      {
        kind: 'start-child',
        taskKey: 'vms[0]',
        childRunId: 'run1.vms-0',
        template: 'vm',
        input: { name: 'web1' },
      },
      {
        kind: 'start-child',
        taskKey: 'vms[1]',
        childRunId: 'run1.vms-1',
        template: 'vm',
        input: { name: 'web2' },
      },
    ]);
    await run.childFinished('vms[1]', 'succeeded', { output: { ip: '10.0.0.2' } });
    await run.childFinished('vms[0]', 'succeeded', { output: { ip: '10.0.0.1' } });
    expect(run.state.tasks.vms?.output).toEqual([{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }]);
    expect(run.state.status).toBe('succeeded');
  });
});
