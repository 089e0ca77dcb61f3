/** A VM request against the policy: every reason at once, each naming its field. */
import type { VirtualMachineSpec } from '@oo/contracts';
import type { Policy, Reason, SizeBounds } from '@oo/handler-kit';

function outOf(bounds: SizeBounds, value: number, unit: string): string | undefined {
  if (value >= bounds.min && value <= bounds.max) return undefined;
  return `must be between ${bounds.min} and ${bounds.max}${unit} (policy), got ${value}`;
}

export function validateVirtualMachine(spec: VirtualMachineSpec, policy: Policy): Reason[] {
  const reasons: Reason[] = [];
  const add = (path: string, message: string | undefined) => {
    if (message !== undefined) reasons.push({ path, message });
  };
  if (!policy.images.some((i) => i.name === spec.os)) {
    add(
      'os',
      `image "${spec.os}" is not permitted; permitted: ${policy.images.map((i) => i.name).join(', ')}`,
    );
  }
  if (!policy.networks.some((n) => n.name === spec.network)) {
    add(
      'network',
      `network "${spec.network}" does not exist; known: ${policy.networks.map((n) => n.name).join(', ')}`,
    );
  }
  add('cpu', outOf(policy.bounds.cpu, spec.cpu, ''));
  add('memoryGb', outOf(policy.bounds.memoryGb, spec.memoryGb, ' GB'));
  add('disks', outOf(policy.bounds.disks, spec.disks.length, ' disks'));
  spec.disks.forEach((disk, i) => {
    add(`disks.${i}.sizeGb`, outOf(policy.bounds.diskGb, disk.sizeGb, ' GB'));
  });
  if (spec.hostname !== undefined && spec.count > 1 && spec.hostname.length > 60) {
    add('hostname', 'must leave room for the -NN suffix of a batch (at most 60 characters)');
  }
  return reasons;
}
