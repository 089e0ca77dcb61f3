/**
 * The common format as AWX extra vars: one flat set per resource, snake_case, the names the
 * playbooks read (`vm_name`, `vm_cpu`, `vm_memory_mb`, `vm_disks`, `vm_network`, `vm_ip`, ...), plus
 * `oo_*` keys tracing the vars back to the request, the trace and the exact file and commit.
 * The common format holds no secrets, and neither do these.
 */
import type { CommonResource, DnsRecordResource, VirtualMachineResource } from '@oo/contracts';

/** Where the resource was read: the commit and the file's path in it. */
export interface ResourceSource {
  readonly commit: string;
  readonly file: string;
}

export function extraVarsFor(resource: CommonResource, source: ResourceSource): Record<string, unknown> {
  const trace = {
    oo_request_id: resource.requestId,
    oo_trace_id: resource.traceId,
    oo_requested_by: resource.requestedBy,
    oo_resource_kind: resource.kind,
    oo_resource_file: source.file,
    oo_commit: source.commit,
  };
  return { ...(resource.kind === 'virtual_machine' ? vmVars(resource) : dnsVars(resource)), ...trace };
}

function vmVars(vm: VirtualMachineResource): Record<string, unknown> {
  return {
    vm_name: vm.name,
    vm_cpu: vm.cpu,
    vm_memory_mb: vm.memoryMb,
    vm_disks: vm.disks.map((d) => ({ size_gb: d.sizeGb, datastore: d.datastore })),
    vm_network: vm.network.name,
    vm_ip: vm.network.ip,
    vm_prefix_length: vm.network.prefixLength,
    vm_gateway: vm.network.gateway,
    vm_dns: vm.network.dns,
    ...(vm.network.vlan === undefined ? {} : { vm_vlan: vm.network.vlan }),
    vm_cluster: vm.placement.cluster,
    vm_datastore: vm.placement.datastore,
    vm_os_image: vm.os.image,
    vm_os_family: vm.os.family,
    vm_tags: vm.tags,
    ...(vm.lease === undefined ? {} : { vm_lease_expires_at: vm.lease.expiresAt }),
  };
}

function dnsVars(record: DnsRecordResource): Record<string, unknown> {
  return {
    dns_name: record.name,
    dns_zone: record.zone,
    dns_fqdn: record.fqdn,
    dns_type: record.recordType,
    dns_value: record.value,
    dns_ttl: record.ttl,
  };
}
