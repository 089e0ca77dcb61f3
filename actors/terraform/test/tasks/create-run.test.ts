import { OoError } from '@oo/contracts';
import type { TaskCancelContext } from '@oo/runtime';
import { startTfeSimulator, type TfeSimulator } from '@oo/simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfigTarball, isRunFinal } from '../../src/index.js';
import { CreateRunInput, createRunTask } from '../../src/tasks/create-run.js';
import { handBuiltContext } from '../fixtures/task-context.js';
import { depsFor } from '../fixtures/task-deps.js';

let sim: TfeSimulator | undefined;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close();
  await sim?.stop();
  sim = undefined;
});

async function setup() {
  sim = await startTfeSimulator({ stepDelayMs: 20 });
  const deps = depsFor(sim);
  cleanup.push(() => deps.client.close());
  const ws = await deps.client.ensureWorkspace('oo', { name: 'oo-web21' });
  const { configurationVersion, uploadUrl } = await deps.client.createConfigurationVersion(ws.id);
  await deps.client.uploadConfiguration(uploadUrl, buildConfigTarball({ 'main.tf': 'terraform {}\n' }));
  await deps.client.waitForConfigurationVersion(configurationVersion.id, { intervalMs: 20 });
  const input = CreateRunInput.parse({
    workspaceId: ws.id,
    configurationVersionId: configurationVersion.id,
    message: 'provision web21',
  });
  return { sim, deps, input, task: createRunTask(deps) };
}

describe('tfe.create_run - exactly one TFE run per task', () => {
  it('finds the run it created by its marker when a crash lost the run id, and creates no other', async () => {
    const { sim, input, task } = await setup();
    const ctx = handBuiltContext('run_A', 'run');

    await expect(task.run(ctx.delivery({ crashOnSet: 'runId' }), input)).rejects.toThrow(
      'crash before runId',
    );
    const created = sim.control.workspace('oo-web21')!.runs;
    expect(created).toHaveLength(1);
    const output = await task.run(ctx.delivery(), input);

    expect(output).toEqual({ runId: created[0]!.id });
    expect(created[0]!.message).toBe('provision web21 [oo:run_A.run]');
    expect(sim.control.workspace('oo-web21')!.runCount).toBe(1);
    expect(sim.control.requests({ method: 'POST', path: '/api/v2/runs' })).toHaveLength(1);
  });

  it('creates its run when the earlier POST never reached TFE, ignoring runs of other task keys', async () => {
    const { sim, input, task } = await setup();
    const other = handBuiltContext('run_A', 'run_2');
    await task.run(other.delivery(), input);
    const ctx = handBuiltContext('run_A', 'run');
    ctx.vars.set('postedAt', Date.now() - 1_000);

    const output = await task.run(ctx.delivery(), input);

    const runs = sim.control.workspace('oo-web21')!.runs;
    expect(runs.map((r) => r.message)).toEqual([
      'provision web21 [oo:run_A.run_2]',
      'provision web21 [oo:run_A.run]',
    ]);
    expect(output).toEqual({ runId: runs[1]!.id });
  });

  it('stops the run it created when its OO run ends while the task is in flight', async () => {
    const { sim, deps, input, task } = await setup();
    const ctx = handBuiltContext('run_B', 'run');
    await expect(task.run(ctx.delivery({ crashOnSet: 'runId' }), input)).rejects.toThrow();
    const reason = new OoError('OO_ERR_CANCELLED', 'run run_B cancelled: test', {
      details: { runStatus: 'cancelled' },
    });

    await task.onCancel!({ ...ctx.delivery(), reason } as TaskCancelContext, input);

    const [run] = sim.control.workspace('oo-web21')!.runs;
    expect(
      sim.control.requests({ method: 'POST', path: `/api/v2/runs/${run!.id}/actions/cancel` }),
    ).toHaveLength(1);
    const stopped = await deps.client.waitForRun(run!.id, isRunFinal, { intervalMs: 20 });
    expect(stopped.status).toBe('canceled');
  });
});
