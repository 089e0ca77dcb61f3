import type { TemplateInput } from '@oo/contracts';
import { waitFor } from '@oo/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildConfigTarball,
  createTfeClient,
  parseVariables,
  readModuleDirectory,
  type TfeClient,
} from '../src/index.js';
import { createResourceRepo, MANAGED_VM_REPO, managedVm, tfeRunInputFor } from './fixtures/resource-repo.js';
import { MODULES_DIR, startTerraformTestbed, type TerraformTestbed } from './fixtures/terraform-testbed.js';

/** The wrapper's outer workflow in small: prepare the commit, then build it in the child workflow. */
const provisionManagedVm: TemplateInput = {
  name: 'provision-managed-vm',
  version: 1,
  input: {
    type: 'object',
    required: ['repo', 'commit', 'files'],
    properties: {
      repo: { type: 'string' },
      commit: { type: 'string' },
      files: { type: 'array', items: { type: 'string' } },
    },
  },
  tasks: {
    prepare: {
      type: 'terraform.prepare',
      input: { repo: '=input.repo', commit: '=input.commit', files: '=input.files' },
    },
    build: {
      type: 'workflow.run',
      needs: ['prepare'],
      input: { template: '=tasks.prepare.output.template', input: '=tasks.prepare.output.input' },
    },
  },
  output: { build: '=tasks.build.output' },
};

let bed: TerraformTestbed | undefined;
const clients: TfeClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await bed?.stop();
  bed = undefined;
});

function tfeClient(testbed: TerraformTestbed): TfeClient {
  const client = createTfeClient({ baseUrl: testbed.sim.url, token: testbed.sim.token });
  clients.push(client);
  return client;
}

describe('tfe-run - against the TFE simulator, the engine and the terraform runner', () => {
  it('applies one run in one workspace and returns its outputs', async () => {
    bed = await startTerraformTestbed();
    const runId = await bed.start('tfe-run', tfeRunInputFor(managedVm()));
    const end = await bed.finished(runId);

    expect(end.status, JSON.stringify(end.error)).toBe('succeeded');
    const ws = bed.sim.control.workspace('oo-web01')!;
    expect(ws).toMatchObject({ runCount: 1, configurationVersionCount: 1 });
    expect(ws.runs[0]!.status).toBe('applied');
    expect(ws.runs[0]!.message).toContain(`[oo:${runId}.run]`);
    expect(end.output).toEqual({
      workspaceId: ws.id,
      runId: ws.runs[0]!.id,
      status: 'applied',
      outputs: { vm_name: 'web01', ip_address: '10.20.30.41' },
    });
    const posts = (path: string | RegExp) => bed!.sim.control.requests({ method: 'POST', path });
    expect(posts('/api/v2/organizations/oo/workspaces')).toHaveLength(1);
    expect(posts('/api/v2/runs')).toHaveLength(1);
    expect(posts(/^\/api\/v2\/runs\/[^/]+\/actions\/apply$/)).toHaveLength(1);
  });

  it('finishes a plan without changes without confirming it', async () => {
    bed = await startTerraformTestbed();
    bed.sim.control.setScenario('no-changes', { workspace: 'oo-web02' });
    const runId = await bed.start('tfe-run', tfeRunInputFor(managedVm({ name: 'web02' })));
    const end = await bed.finished(runId);

    expect(end.status, JSON.stringify(end.error)).toBe('succeeded');
    expect(end.output).toMatchObject({ status: 'planned_and_finished', outputs: {} });
    const apply = await bed.taskEvent((e) => e.runId === runId && e.taskKey === 'apply');
    expect(apply.status).toBe('skipped');
    expect(bed.sim.control.requests({ method: 'POST', path: /\/actions\/apply$/ })).toHaveLength(0);
  });

  it('leaves an auto-applying run to apply itself', async () => {
    bed = await startTerraformTestbed();
    const runId = await bed.start('tfe-run', {
      ...tfeRunInputFor(managedVm({ name: 'web03' })),
      autoApply: true,
    });
    const end = await bed.finished(runId);

    expect(end.status, JSON.stringify(end.error)).toBe('succeeded');
    expect(end.output).toMatchObject({ status: 'applied' });
    expect(bed.sim.control.requests({ method: 'POST', path: /\/actions\/apply$/ })).toHaveLength(0);
    expect(bed.sim.control.workspace('oo-web03')).toMatchObject({ runCount: 1 });
  });

  it('waits while its run is queued behind another run of the workspace, then applies it', async () => {
    bed = await startTerraformTestbed();
    const client = tfeClient(bed);
    // Someone else's run holds the workspace, waiting for confirmation.
    const ws = await client.ensureWorkspace('oo', { name: 'oo-web04' });
    const { configurationVersion, uploadUrl } = await client.createConfigurationVersion(ws.id);
    await client.uploadConfiguration(uploadUrl, buildConfigTarball({ 'main.tf': 'terraform {}\n' }));
    await client.waitForConfigurationVersion(configurationVersion.id, { intervalMs: 20 });
    const blocker = await client.createRun({ workspaceId: ws.id, message: 'manual change' });
    await client.waitForRun(blocker.id, (run) => run.actions.isConfirmable, { intervalMs: 20 });

    const runId = await bed.start('tfe-run', tfeRunInputFor(managedVm({ name: 'web04' })));
    const waiting = await bed.taskEvent(
      (e) => e.runId === runId && e.taskKey === 'plan' && e.status === 'running',
    );
    expect(waiting.type).toBe('tfe.wait_run');
    const ours = bed.sim.control.workspace('oo-web04')!.runs[1]!;
    // Several looks at our run while it stays pending behind the blocker.
    await waitFor(
      () => bed!.sim.control.requests({ method: 'GET', path: `/api/v2/runs/${ours.id}` }).length >= 5,
      { what: 'polls of the queued run' },
    );
    expect(bed.sim.control.workspace('oo-web04')!.runs[1]!.status).toBe('pending');
    expect(bed.runEvents.filter((e) => e.runId === runId && e.status !== 'running')).toHaveLength(0);

    await client.applyRun(blocker.id);
    const end = await bed.finished(runId);
    expect(end.status, JSON.stringify(end.error)).toBe('succeeded');
    expect(bed.sim.control.workspace('oo-web04')!.runs.map((r) => r.status)).toEqual(['applied', 'applied']);
  });

  it('builds a managed VM commit: the uploaded tarball is the module and the variables match the common format', async () => {
    bed = await startTerraformTestbed({ templates: [provisionManagedVm] });
    const repo = await createResourceRepo();
    const vm = managedVm({ name: 'db01', cpu: 4, memoryMb: 16_384 });
    const commit = await repo.commit({ 'oo-repo.json': MANAGED_VM_REPO, 'vms/db01.json': vm });
    const runId = await bed.start('provision-managed-vm', {
      repo: repo.url,
      commit,
      files: ['vms/db01.json'],
    });
    const end = await bed.finished(runId);
    expect(end.status, JSON.stringify(end.error)).toBe('succeeded');
    expect(end.output).toMatchObject({ build: { status: 'applied', outputs: { vm_name: 'db01' } } });

    const ws = bed.sim.control.workspace('oo-db01')!;
    expect(ws.runCount).toBe(1);
    const [upload] = ws.uploads;
    expect(upload).toMatchObject({ status: 'uploaded', errorMessage: null });
    const module = await readModuleDirectory(`${MODULES_DIR}/vsphere-vm`);
    expect(upload!.files.map((f) => f.path).sort()).toEqual(Object.keys(module).sort());
    for (const [path, content] of Object.entries(module)) {
      expect(upload!.contents[path], path).toBe(content.toString('utf8'));
    }

    const variables = await tfeClient(bed).listVariables(ws.id);
    const byKey = Object.fromEntries(variables.map((v) => [v.key, { value: v.value, hcl: v.hcl }]));
    expect(byKey).toEqual({
      vm_name: { value: 'db01', hcl: false },
      cpu: { value: '4', hcl: true },
      memory_mb: { value: '16384', hcl: true },
      disks: { value: '[100,50]', hcl: true },
      network: { value: 'INTRANET_DEV', hcl: false },
      ip_address: { value: '10.20.30.41', hcl: false },
      ipv4_netmask: { value: '24', hcl: true },
      gateway: { value: '10.20.30.1', hcl: false },
      dns_servers: { value: '["10.20.0.53","10.20.0.54"]', hcl: true },
      datastore: { value: 'ds-fast', hcl: false },
      cluster: { value: 'cl-dev', hcl: false },
      template: { value: 'rhel9-template', hcl: false },
      datacenter: { value: 'dc-test', hcl: false },
    });
    const declared = parseVariables(upload!.contents['variables.tf']!).map((v) => v.name);
    for (const key of Object.keys(byKey)) expect(declared, key).toContain(key);
  });
});
