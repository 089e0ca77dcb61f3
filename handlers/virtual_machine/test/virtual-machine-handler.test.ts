import { EXAMPLE_VM, VirtualMachineSpec } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { handContext, policy } from '../../handler-kit/test/policy-fixture.js';
import { virtualMachineHandler } from '../src/index.js';

const base = VirtualMachineSpec.parse(EXAMPLE_VM);

describe('virtual_machine handler', () => {
  it('accepts a VM within the policy', () => {
    expect(virtualMachineHandler.validate(base, policy)).toEqual([]);
  });

  it('names the field of each policy violation', () => {
    const spec = {
      ...base,
      os: 'os2',
      network: 'NOPE',
      cpu: 32,
      memoryGb: 128,
      disks: [{ sizeGb: 5 }, { sizeGb: 10 }],
    };
    expect(virtualMachineHandler.validate(spec, policy).map((r) => r.path)).toEqual([
      'os',
      'network',
      'cpu',
      'memoryGb',
      'disks.0.sizeGb',
    ]);
  });

  it('makes one resource per count, with family, lease expiry, tags and placement', async () => {
    const ctx = handContext();
    const spec = { ...base, os: 'windows2022', count: 2, lease: { days: 1 }, tags: { team: 'web' } };
    const made = await virtualMachineHandler.enrich(spec, ctx);
    expect(made).toHaveLength(2);
    expect(made[1]).toMatchObject({
      name: 'dev-windows2022-2',
      os: { image: 'windows2022', family: 'windows' },
      memoryMb: 8192,
      disks: [{ sizeGb: 100, datastore: 'ds1' }],
      network: { ip: '10.10.0.11', vlan: 110 },
      lease: { expiresAt: '2025-01-03T03:04:05.000Z' },
      tags: { team: 'web' },
      createdAt: '2025-01-02T03:04:05.000Z',
    });
  });

  it('suffixes a requested host name in a batch', async () => {
    const ctx = handContext();
    await virtualMachineHandler.enrich({ ...base, hostname: 'web', count: 2 }, ctx);
    expect(ctx.names).toEqual(['web-01', 'web-02']);
  });

  it('describes an unmanaged commit for AWX and a managed one for Terraform', async () => {
    const made = await virtualMachineHandler.enrich(base, handContext());
    expect(virtualMachineHandler.repoMetadata(made, false)).toMatchObject({
      osFamily: 'linux',
      jobTemplate: 'oo-build-vm',
      workflow: 'awx-job',
    });
    expect(virtualMachineHandler.repoMetadata(made, true)).toMatchObject({
      terraformModule: 'vsphere-vm',
      workflow: 'tfe-run',
    });
  });
});
