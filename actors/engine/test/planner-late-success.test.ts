/**
 * A task's success reported after its run ended (cancelled, or failed by another task) is recorded,
 * so a `resume` rerun keeps its output instead of doing its side effect a second time.
 */
import { describe, expect, it } from 'vitest';
import { LATE_SUCCESS_WINDOW_MS } from '../src/late-success.js';
import { dispatched, drive, template } from './run-driver.js';

const tpl = template({
  tasks: {
    vm: { type: 'noop' },
    dns: { type: 'noop' },
    notify: { type: 'noop', needs: ['vm', 'dns'] },
  },
  output: { vm: '=tasks.vm.output' },
});

const lateReport = (runId: string, taskKey: string, at: string, extra: Record<string, unknown> = {}) => ({
  kind: 'report' as const,
  at,
  report: { runId, taskKey, type: 'noop', attempt: 1, status: 'succeeded' as const, at, ...extra },
});

describe('planner - a success reported after the run ended', () => {
  it('is recorded in a cancelled run, which stays cancelled, and a resume carries it over', async () => {
    const first = drive(tpl, 'run_first');
    await first.start();
    await first.cancel();
    expect(first.state.tasks.vm?.status).toBe('cancelled');

    const late = await first.succeed('vm', { name: 'vm-1' });
    // Written (one command), sent by nobody: the runner's end event said it already.
    expect(late).toEqual([
      expect.objectContaining({
        kind: 'task-event',
        announced: true,
        event: expect.objectContaining({ taskKey: 'vm', status: 'succeeded' }),
      }),
    ]);
    expect(first.state.status).toBe('cancelled');
    expect(first.state.tasks.vm).toMatchObject({ status: 'succeeded', output: { name: 'vm-1' } });
    expect(first.state.tasks.vm?.error).toBeUndefined();
    expect(first.state.tasks.dns?.status).toBe('cancelled');

    const second = drive(tpl, 'run_second');
    const started = await second.start(
      {},
      { rerunOf: { runId: 'run_first', mode: 'resume' }, previous: first.state },
    );
    expect(dispatched(started)).toEqual(['dns']);
    expect(second.state.tasks.vm).toMatchObject({
      status: 'succeeded',
      output: { name: 'vm-1' },
      carried: true,
    });
  });

  it('is recorded for a task cancelled because another task failed the run', async () => {
    const run = drive(tpl);
    await run.start();
    await run.fail('dns');
    expect(run.state).toMatchObject({ status: 'failed', failedTask: 'dns' });
    expect(run.state.tasks.vm?.status).toBe('cancelled');
    await run.succeed('vm', 'VM');
    expect(run.state).toMatchObject({ status: 'failed', failedTask: 'dns' });
    expect(run.state.tasks.vm).toMatchObject({ status: 'succeeded', output: 'VM' });
  });

  it('changes nothing for a late failure, another attempt, a repeat, or a skipped task', async () => {
    const run = drive(tpl);
    await run.start();
    await run.cancel();
    expect(await run.fail('vm')).toEqual([]);
    expect(await run.succeed('vm', 'old attempt', 2)).toEqual([]);
    expect(run.state.tasks.vm?.status).toBe('cancelled');
    expect(await run.succeed('vm', 'VM')).toHaveLength(1);
    expect(await run.succeed('vm', 'VM again')).toEqual([]);
    expect(run.state.tasks.vm?.output).toBe('VM');
    // notify never ran: skipped would be its status had it an entry; no entry, nothing recorded.
    expect(await run.succeed('notify', 'N')).toEqual([]);
    expect(run.state.tasks.notify?.status).not.toBe('succeeded');
  });

  it('is ignored once the run ended longer ago than the window, for the retention that follows', async () => {
    const run = drive(tpl);
    await run.start();
    await run.cancel();
    const endedAt = Date.parse(run.state.finishedAt!);
    const tooLate = new Date(endedAt + LATE_SUCCESS_WINDOW_MS + 1_000).toISOString();
    expect(await run.apply(lateReport(run.runId, 'vm', tooLate))).toEqual([]);
    expect(run.state.tasks.vm?.status).toBe('cancelled');
    const inTime = new Date(endedAt + LATE_SUCCESS_WINDOW_MS).toISOString();
    expect(await run.apply(lateReport(run.runId, 'vm', inTime))).toHaveLength(1);
    expect(run.state.tasks.vm?.status).toBe('succeeded');
  });

  it('is ignored for a report naming another run', async () => {
    const run = drive(tpl);
    await run.start();
    await run.cancel();
    expect(await run.apply(lateReport('run_other', 'vm', run.state.finishedAt!))).toEqual([]);
    expect(run.state.tasks.vm?.status).toBe('cancelled');
  });
});

describe('planner - a forEach element that succeeds after its run ended', () => {
  it('is not recorded: the element entries went with the end, and a resume runs the forEach again', async () => {
    const each = template({
      tasks: { vms: { type: 'noop', forEach: { items: '=[1, 2]', concurrency: 2 } } },
      output: {},
    });
    const run = drive(each);
    await run.start();
    await run.cancel();
    expect(await run.succeed('vms[0]', 'VM')).toEqual([]);
    expect(run.state.tasks['vms[0]']).toBeUndefined();
  });
});
