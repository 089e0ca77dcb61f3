import { waitFor } from '@oo/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfigTarball, createTfeClient, type TfeClient } from '../src/index.js';
import { managedVm, tfeRunInputFor } from './fixtures/resource-repo.js';
import { startTerraformTestbed, type TerraformTestbed } from './fixtures/terraform-testbed.js';

let bed: TerraformTestbed | undefined;
const clients: TfeClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await bed?.stop();
  bed = undefined;
});

/** A run of someone else's holding the workspace, waiting for confirmation. */
async function blockWorkspace(testbed: TerraformTestbed, name: string) {
  const client = createTfeClient({ baseUrl: testbed.sim.url, token: testbed.sim.token });
  clients.push(client);
  const ws = await client.ensureWorkspace('oo', { name });
  const { configurationVersion, uploadUrl } = await client.createConfigurationVersion(ws.id);
  await client.uploadConfiguration(uploadUrl, buildConfigTarball({ 'main.tf': 'terraform {}\n' }));
  await client.waitForConfigurationVersion(configurationVersion.id, { intervalMs: 20 });
  const blocker = await client.createRun({ workspaceId: ws.id, message: 'manual change' });
  await client.waitForRun(blocker.id, (run) => run.actions.isConfirmable, { intervalMs: 20 });
  return { client, blocker };
}

describe('tfe-run - faults', () => {
  it('fails the run with the tail of the plan log when the plan errors', async () => {
    bed = await startTerraformTestbed();
    bed.sim.control.setScenario('plan-errored', { workspace: 'oo-web11' });
    const runId = await bed.start('tfe-run', tfeRunInputFor(managedVm({ name: 'web11' })));
    const end = await bed.finished(runId);

    expect(end.status).toBe('failed');
    expect(end.error).toMatchObject({ code: 'OO_ERR_TFE_RUN_ERRORED', retryable: false });
    expect(end.error!.message).toContain('in its plan');
    expect(end.error!.message).toContain(
      'Error: error fetching virtual machine template: template not found',
    );
    expect(end.error!.details).toMatchObject({ phase: 'plan', status: 'errored' });
    expect(String(end.error!.details!.logTail)).toContain('on main.tf line 12');
    expect(bed.sim.control.requests({ method: 'POST', path: /\/actions\/apply$/ })).toHaveLength(0);
  });

  it('fails the run with the tail of the apply log when the apply errors', async () => {
    bed = await startTerraformTestbed();
    bed.sim.control.setScenario('apply-errored', { workspace: 'oo-web12' });
    const runId = await bed.start('tfe-run', tfeRunInputFor(managedVm({ name: 'web12' })));
    const end = await bed.finished(runId);

    expect(end.status).toBe('failed');
    expect(end.error).toMatchObject({ code: 'OO_ERR_TFE_RUN_ERRORED', details: { phase: 'apply' } });
    expect(end.error!.message).toContain('insufficient disk space on datastore');
    const finish = await bed.taskEvent(
      (e) => e.runId === runId && e.taskKey === 'finish' && e.status === 'failed',
    );
    expect(finish.error?.code).toBe('OO_ERR_TFE_RUN_ERRORED');
  });

  it('retries reads answered 503 or 429 and still applies the one run', async () => {
    bed = await startTerraformTestbed();
    const faults = bed.sim.control;
    faults.injectFault({
      method: 'GET',
      path: '/api/v2/runs/*',
      times: 3,
      fault: { type: 'error', status: 503 },
    });
    faults.injectFault({
      method: 'GET',
      path: '/api/v2/runs/*',
      times: 2,
      fault: { type: 'rate-limit', resetSeconds: 0.05 },
    });
    const workspacePath = '/api/v2/organizations/oo/workspaces/oo-web13';
    faults.injectFault({ method: 'GET', path: workspacePath, fault: { type: 'error', status: 503 } });
    const outputsPath = /^\/api\/v2\/workspaces\/[^/]+\/current-state-version-outputs$/;
    faults.injectFault({ method: 'GET', path: outputsPath, times: 2, fault: { type: 'error', status: 503 } });
    const runId = await bed.start('tfe-run', tfeRunInputFor(managedVm({ name: 'web13' })));
    const end = await bed.finished(runId);

    expect(end.status, JSON.stringify(end.error)).toBe('succeeded');
    expect(end.output).toMatchObject({ status: 'applied', outputs: { vm_name: 'web13' } });
    const statuses = (path: string | RegExp) => faults.requests({ method: 'GET', path }).map((r) => r.status);
    const runReads = statuses(/^\/api\/v2\/runs\/[^/]+$/);
    expect(runReads.filter((s) => s === 503)).toHaveLength(3);
    expect(runReads.filter((s) => s === 429)).toHaveLength(2);
    expect(statuses(workspacePath)).toEqual([503, 404]);
    expect(statuses(outputsPath)).toEqual([503, 503, 200]);
    expect(faults.workspace('oo-web13')).toMatchObject({ runCount: 1, configurationVersionCount: 1 });
  });

  it('does not create a second run when the answer to the run POST is lost', async () => {
    bed = await startTerraformTestbed();
    bed.sim.control.injectFault({
      method: 'POST',
      path: '/api/v2/runs',
      fault: { type: 'error', status: 503, afterProcessing: true },
    });
    const runId = await bed.start('tfe-run', tfeRunInputFor(managedVm({ name: 'web14' })));
    const end = await bed.finished(runId);

    expect(end.status, JSON.stringify(end.error)).toBe('succeeded');
    const ws = bed.sim.control.workspace('oo-web14')!;
    expect(ws.runCount).toBe(1);
    expect(bed.sim.control.requests({ method: 'POST', path: '/api/v2/runs' }).map((r) => r.status)).toEqual([
      503,
    ]);
    expect(end.output).toMatchObject({ runId: ws.runs[0]!.id, status: 'applied' });
  });

  it('cancels the TFE run when the OO run is cancelled while it waits', async () => {
    bed = await startTerraformTestbed();
    const { client, blocker } = await blockWorkspace(bed, 'oo-web15');
    const runId = await bed.start('tfe-run', tfeRunInputFor(managedVm({ name: 'web15' })));
    await bed.taskEvent((e) => e.runId === runId && e.taskKey === 'plan' && e.status === 'running');
    const ours = bed.sim.control.workspace('oo-web15')!.runs[1]!;
    expect(ours.status).toBe('pending');

    await bed.cancel(runId);
    expect((await bed.finished(runId)).status).toBe('cancelled');
    const cancelPath = `/api/v2/runs/${ours.id}/actions/cancel`;
    await waitFor(() => bed!.sim.control.requests({ method: 'POST', path: cancelPath }).length === 1, {
      what: 'the cancel of the TFE run',
    });
    expect(bed.sim.control.requests({ method: 'POST', path: cancelPath })[0]!.status).toBe(202);
    expect((await client.getRun(ours.id)).status).toBe('canceled');
    expect((await client.getRun(blocker.id)).actions.isConfirmable).toBe(true);
  });
});
