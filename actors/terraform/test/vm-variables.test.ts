import { OoError } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { moduleMismatches, vmVariables } from '../src/index.js';
import { managedVm } from './fixtures/resource-repo.js';

describe('vm variables - common-format VM to vsphere-vm Terraform variables', () => {
  it('maps every field: strings plain, numbers and lists as HCL', () => {
    const vars = vmVariables(managedVm(), { datacenter: 'dc1', cpu: 99 });

    expect(Object.fromEntries(vars.map((v) => [v.key, [v.value, v.hcl]]))).toEqual({
      datacenter: ['dc1', false],
      cpu: ['2', true],
      vm_name: ['web01', false],
      memory_mb: ['8192', true],
      disks: ['[100,50]', true],
      network: ['INTRANET_DEV', false],
      ip_address: ['10.20.30.41', false],
      ipv4_netmask: ['24', true],
      gateway: ['10.20.30.1', false],
      dns_servers: ['["10.20.0.53","10.20.0.54"]', true],
      datastore: ['ds-fast', false],
      cluster: ['cl-dev', false],
      template: ['rhel9-template', false],
    });
    expect(vars.every((v) => v.category === 'terraform' && v.sensitive === undefined)).toBe(true);
  });

  it('refuses disks on a datastore other than the placement one', () => {
    const vm = managedVm({
      disks: [
        { sizeGb: 40, datastore: 'ds-fast' },
        { sizeGb: 40, datastore: 'ds-slow' },
      ],
    });

    expect(() => vmVariables(vm)).toThrowError(OoError);
    expect(() => vmVariables(vm)).toThrow(/every disk must be on the placement datastore ds-fast/);
  });

  it('names variables the module does not declare and required ones left without a value', () => {
    const mismatches = moduleMismatches(
      [
        { key: 'vm_name', value: 'x', category: 'terraform' },
        { key: 'colour', value: 'red', category: 'terraform' },
        { key: 'TF_LOG', value: 'debug', category: 'env' },
      ],
      [
        { name: 'vm_name', required: true },
        { name: 'cluster', required: true },
        { name: 'cpu', required: false },
      ],
    );

    expect(mismatches).toEqual([
      'colour is not a variable of the module',
      "cluster has no default and no value (set it in the runner's variableDefaults)",
    ]);
  });
});
