/**
 * A common-format virtual machine as Terraform variables of the `vsphere-vm` module
 * (modules/vsphere-vm/variables.tf). Strings are sent as plain values, numbers and lists as HCL
 * (JSON is valid HCL for them), so TFE hands Terraform the types the module declares.
 */
import { OoError, type VirtualMachineResource } from '@oo/contracts';
import type { ModuleVariable } from './module-variables.js';
import type { VarSpec } from './task-schemas.js';

/** A Terraform variable value OO can state: a string, a number, a bool, or a list of those. */
export type VarValue = string | number | boolean | readonly (string | number)[];

/**
 * The module's variables for `vm`. `defaults` fill what the common format does not carry (the vSphere
 * `datacenter`, the guest `domain`); a value from the resource always wins over a default. Throws
 * OO_ERR_TFE_RESOURCE_INVALID when the disks ask for more than one datastore (the module puts every
 * disk on `datastore`).
 */
export function vmVariables(
  vm: VirtualMachineResource,
  defaults: Readonly<Record<string, VarValue>> = {},
): VarSpec[] {
  const datastores = new Set(vm.disks.map((d) => d.datastore));
  if (datastores.size > 1 || !datastores.has(vm.placement.datastore)) {
    throw new OoError(
      'OO_ERR_TFE_RESOURCE_INVALID',
      `${vm.name}: every disk must be on the placement datastore ${vm.placement.datastore}; the module cannot spread disks`,
      { retryable: false, details: { vm: vm.name, datastores: [...datastores] } },
    );
  }
  const fromResource: Record<string, VarValue> = {
    vm_name: vm.name,
    cpu: vm.cpu,
    memory_mb: vm.memoryMb,
    disks: vm.disks.map((d) => d.sizeGb),
    network: vm.network.name,
    ip_address: vm.network.ip,
    ipv4_netmask: vm.network.prefixLength,
    gateway: vm.network.gateway,
    dns_servers: vm.network.dns,
    datastore: vm.placement.datastore,
    cluster: vm.placement.cluster,
    template: vm.os.image,
  };
  const merged = { ...defaults, ...fromResource };
  return Object.entries(merged).map(([key, value]) => terraformVar(key, value));
}

export function terraformVar(key: string, value: VarValue): VarSpec {
  if (typeof value === 'string') return { key, value, category: 'terraform', hcl: false };
  return {
    key,
    value: Array.isArray(value) ? JSON.stringify(value) : String(value),
    category: 'terraform',
    hcl: true,
  };
}

/**
 * What keeps `vars` from fitting the module: Terraform variables it does not declare, and declared
 * variables without a default that get no value. Empty when they fit.
 */
export function moduleMismatches(vars: readonly VarSpec[], declared: readonly ModuleVariable[]): string[] {
  const given = new Set(vars.filter((v) => v.category === 'terraform').map((v) => v.key));
  const names = new Set(declared.map((d) => d.name));
  return [
    ...[...given].filter((key) => !names.has(key)).map((key) => `${key} is not a variable of the module`),
    ...declared
      .filter((d) => d.required && !given.has(d.name))
      .map((d) => `${d.name} has no default and no value (set it in the runner's variableDefaults)`),
  ];
}
