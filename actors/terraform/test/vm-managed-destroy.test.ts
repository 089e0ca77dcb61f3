import { afterEach, describe, expect, it } from 'vitest';
import { createTfeClient, type TfeClient } from '../src/index.js';
import { managedVm, tfeRunInputFor } from './fixtures/resource-repo.js';
import { startTerraformTestbed, type TerraformTestbed } from './fixtures/terraform-testbed.js';

let bed: TerraformTestbed | undefined;
const clients: TfeClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await bed?.stop();
  bed = undefined;
});

describe('vm-managed-destroy - decommissioning a managed VM', () => {
  it('destroys the VM with one confirmed destroy run on its existing workspace', async () => {
    bed = await startTerraformTestbed();
    const built = await bed.finished(
      await bed.start('tfe-run', tfeRunInputFor(managedVm({ name: 'old01' }))),
    );
    expect(built.status, JSON.stringify(built.error)).toBe('succeeded');

    const runId = await bed.start('vm-managed-destroy', {
      workspace: 'oo-old01',
      module: 'vsphere-vm',
      reason: 'lease expired',
    });
    const end = await bed.finished(runId);

    expect(end.status, JSON.stringify(end.error)).toBe('succeeded');
    const ws = bed.sim.control.workspace('oo-old01')!;
    expect(ws).toMatchObject({ runCount: 2, configurationVersionCount: 2 });
    const destroyRun = ws.runs[1]!;
    expect(end.output).toEqual({ workspaceId: ws.id, runId: destroyRun.id, status: 'applied' });
    expect(destroyRun.message).toContain('decommission oo-old01: lease expired');
    const client = createTfeClient({ baseUrl: bed.sim.url, token: bed.sim.token });
    clients.push(client);
    expect((await client.getRun(destroyRun.id)).isDestroy).toBe(true);
    expect(await client.getCurrentStateOutputs(ws.id)).toEqual([]);
  });

  it('fails without creating a workspace that does not exist', async () => {
    bed = await startTerraformTestbed();
    const runId = await bed.start('vm-managed-destroy', { workspace: 'oo-ghost', module: 'vsphere-vm' });
    const end = await bed.finished(runId);

    expect(end.status).toBe('failed');
    expect(end.error).toMatchObject({ code: 'OO_ERR_TFE_NOT_FOUND', retryable: false });
    expect(bed.sim.control.workspace('oo-ghost')).toBeUndefined();
    expect(bed.sim.control.requests({ method: 'POST' })).toHaveLength(0);
  });
});
