import { describe, expect, it } from 'vitest';
import { commandsOf, dispatched, drive, runStatuses, template, transitions } from './run-driver.js';

const parent = template({
  input: { type: 'object', properties: { size: { type: 'string' } } },
  tasks: {
    build: {
      type: 'workflow.run',
      input: { template: 'awx-job', version: 2, input: { size: '=input.size' } },
    },
    notify: { type: 'noop', needs: ['build'], input: { ip: '=tasks.build.output.ip' } },
  },
  output: { ip: '=tasks.build.output.ip' },
});

describe('planner - child runs', () => {
  it('planner - starts a child run with an id derived from the run and the task', async () => {
    const run = drive(parent, 'run_A');
    const commands = await run.start({ size: 'small' });
    expect(commandsOf(commands, 'start-child')).toEqual([
      {
        kind: 'start-child',
        taskKey: 'build',
        childRunId: 'run_A.build',
        template: 'awx-job',
        version: 2,
        input: { size: 'small' },
      },
    ]);
    expect(commandsOf(commands, 'schedule')).toEqual([]);
    expect(transitions(commands)).toEqual(['build:running']);
    expect(run.state.tasks.build).toMatchObject({ status: 'running', childRunId: 'run_A.build' });
  });

  it('planner - a child run that succeeds completes its task with the child output', async () => {
    const run = drive(parent);
    await run.start({ size: 'small' });
    const commands = await run.childFinished('build', 'succeeded', { output: { ip: '10.1.2.3' } });
    expect(transitions(commands)).toEqual(['build:succeeded', 'notify:scheduled']);
    expect(commandsOf(commands, 'schedule')[0]?.input).toEqual({ ip: '10.1.2.3' });
    expect(runStatuses(await run.succeed('notify'))).toEqual(['succeeded']);
    expect(run.state.output).toEqual({ ip: '10.1.2.3' });
  });

  it('planner - a child run that fails fails its task with the child error', async () => {
    const run = drive(parent);
    await run.start();
    const error = { code: 'OO_ERR_AWX_JOB_FAILED', message: 'job 7 failed', retryable: false };
    await run.childFinished('build', 'failed', { error });
    expect(run.state).toMatchObject({ status: 'failed', error, failedTask: 'build' });
  });

  it('planner - a cancelled child run without an error fails its task with OO_ERR_WORKFLOW_CHILD_FAILED', async () => {
    const run = drive(parent);
    await run.start();
    await run.childFinished('build', 'cancelled');
    expect(run.state.tasks.build?.error).toMatchObject({
      code: 'OO_ERR_WORKFLOW_CHILD_FAILED',
      details: { childRunId: 'run1.build' },
    });
  });

  it('planner - ignores the end of a child run it did not start, and task reports for child tasks', async () => {
    const run = drive(parent);
    await run.start();
    expect(await run.childFinished('build', 'succeeded', { childRunId: 'run1.other' })).toEqual([]);
    expect(await run.succeed('build', { ip: 'spoofed' })).toEqual([]);
    expect(run.state.tasks.build?.status).toBe('running');
  });

  it('planner - a workflow.run input without a template name fails with OO_ERR_WORKFLOW_CHILD_INPUT_INVALID', async () => {
    const run = drive(
      template({ tasks: { c: { type: 'workflow.run', input: { template: '=input.missing', input: {} } } } }),
    );
    const commands = await run.start();
    expect(dispatched(commands)).toEqual([]);
    expect(run.state.tasks.c?.error).toMatchObject({
      code: 'OO_ERR_WORKFLOW_CHILD_INPUT_INVALID',
      details: { issues: [{ path: 'template' }] },
    });
  });

  it('planner - a child run whose id would pass the 128 characters of a run id fails its task, saying so', async () => {
    // Each level of nesting adds `.<task key>`: a deep chain of long task ids outgrows a run id,
    // and a start that cannot be published would leave the task running for ever.
    const deep = `run_${'x'.repeat(120)}`;
    const run = drive(parent, deep);
    const commands = await run.start({ size: 'small' });
    expect(dispatched(commands)).toEqual([]);
    expect(run.state.status).toBe('failed');
    expect(run.state.tasks.build?.error).toMatchObject({
      code: 'OO_ERR_WORKFLOW_CHILD_INPUT_INVALID',
      details: { task: 'build', childRunId: `${deep}.build` },
    });
    expect(run.state.tasks.build?.error?.message).toMatch(/130 characters/);
  });
});
