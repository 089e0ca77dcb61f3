/**
 * `virtual_machine`: an image from the policy (its family), sizes within the policy's bounds, an
 * address on an existing network, a unique host name, an allowed placement, and a lease turned into
 * an expiry. A batch (`count` N) becomes N resources, named `<hostname>-01`.. when a name was asked for.
 */
import { type CommonResource, VirtualMachineResource, VirtualMachineSpec } from '@oo/contracts';
import { defineHandler, type HandlerContext } from '@oo/handler-kit';
import { validateVirtualMachine } from './validate-vm.js';

const DAY_MS = 86_400_000;

function requestedName(spec: VirtualMachineSpec, ordinal: number): string | undefined {
  if (spec.hostname === undefined) return undefined;
  return spec.count === 1 ? spec.hostname : `${spec.hostname}-${String(ordinal + 1).padStart(2, '0')}`;
}

async function oneVm(spec: VirtualMachineSpec, ctx: HandlerContext, ordinal: number) {
  const image = ctx.policy.images.find((i) => i.name === spec.os)!;
  const network = ctx.policy.networks.find((n) => n.name === spec.network)!;
  const requested = requestedName(spec, ordinal);
  const name = await ctx.nameFor({
    ordinal,
    field: 'hostname',
    ...(requested === undefined ? {} : { requested }),
    parts: { env: network.env, os: spec.os },
  });
  const placement = await ctx.place(ordinal);
  const address = await ctx.allocateIp(network.name, ordinal);
  const { request } = ctx;
  return VirtualMachineResource.parse({
    formatVersion: 1,
    kind: 'virtual_machine',
    name,
    requestId: request.requestId,
    traceId: request.traceId,
    requestedBy: request.submittedBy,
    managed: request.managed,
    os: { image: image.name, family: image.family },
    cpu: spec.cpu,
    memoryMb: spec.memoryGb * 1024,
    disks: spec.disks.map((d) => ({ sizeGb: d.sizeGb, datastore: placement.datastore })),
    network: {
      name: network.name,
      ip: address.ip,
      prefixLength: address.prefixLength,
      gateway: address.gateway,
      dns: [...address.dns],
      ...(address.vlan === undefined ? {} : { vlan: address.vlan }),
    },
    placement: { cluster: placement.cluster, datastore: placement.datastore },
    ...(spec.lease
      ? {
          lease: {
            expiresAt: new Date(Date.parse(request.submittedAt) + spec.lease.days * DAY_MS).toISOString(),
          },
        }
      : {}),
    tags: spec.tags ?? {},
    createdAt: request.submittedAt,
  });
}

export const virtualMachineHandler = defineHandler<VirtualMachineSpec>({
  type: 'virtual_machine',
  spec: VirtualMachineSpec,
  validate: validateVirtualMachine,
  async enrich(spec, ctx) {
    const resources: CommonResource[] = [];
    // One after another: names and addresses come out in ordinal order (dev-rhel9-0001, .0002, ...).
    for (let ordinal = 0; ordinal < spec.count; ordinal++) resources.push(await oneVm(spec, ctx, ordinal));
    return resources;
  },
  repoMetadata(resources, managed) {
    const families = new Set(resources.map((r) => (r.kind === 'virtual_machine' ? r.os.family : 'any')));
    const osFamily = families.size === 1 ? [...families][0]! : 'any';
    return {
      formatVersion: 1,
      resourceType: 'virtual_machine',
      osFamily,
      managed,
      ...(managed
        ? { terraformModule: 'vsphere-vm', workflow: 'tfe-run' }
        : { jobTemplate: 'oo-build-vm', workflow: 'awx-job' }),
    };
  },
});
