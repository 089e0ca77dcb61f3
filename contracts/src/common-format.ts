/**
 * The common format: the complete, versioned definition of one resource, as RFM writes it to the
 * resource type's git repository (one JSON file per resource) and as the Ansible and Terraform
 * wrappers read it back at an exact commit. Everything a wrapper needs is here; nothing is looked
 * up again later.
 *
 * Each repository also holds `oo-repo.json` (RepoMetadata): what the resources in it are and which
 * wrapper template builds them.
 */
import { z } from 'zod';
import { Timestamp } from './ids.js';
import { Hostname } from './request.js';

export const COMMON_FORMAT_VERSION = 1;

const Ipv4 = z.ipv4();

export const VirtualMachineResource = z
  .object({
    formatVersion: z.literal(COMMON_FORMAT_VERSION),
    kind: z.literal('virtual_machine'),
    /** Unique hostname, from the naming pattern or the request. */
    name: Hostname,
    requestId: z.string(),
    traceId: z.string(),
    requestedBy: z.string(),
    managed: z.boolean(),
    os: z.object({ image: z.string(), family: z.enum(['linux', 'windows']) }).strict(),
    cpu: z.number().int().min(1),
    memoryMb: z.number().int().min(512),
    disks: z.array(z.object({ sizeGb: z.number().int().min(1), datastore: z.string() }).strict()).min(1),
    network: z
      .object({
        name: z.string(),
        ip: Ipv4,
        prefixLength: z.number().int().min(8).max(30),
        gateway: Ipv4,
        dns: z.array(Ipv4),
        vlan: z.number().int().min(1).max(4094).optional(),
      })
      .strict(),
    placement: z.object({ cluster: z.string(), datastore: z.string() }).strict(),
    lease: z.object({ expiresAt: Timestamp }).strict().optional(),
    tags: z.record(z.string(), z.string()).default({}),
    createdAt: Timestamp,
  })
  .strict();
export type VirtualMachineResource = z.infer<typeof VirtualMachineResource>;

export const DnsRecordResource = z
  .object({
    formatVersion: z.literal(COMMON_FORMAT_VERSION),
    kind: z.literal('dns_record'),
    name: z.string(),
    requestId: z.string(),
    traceId: z.string(),
    requestedBy: z.string(),
    managed: z.boolean(),
    zone: z.string(),
    fqdn: z.string(),
    recordType: z.enum(['A', 'CNAME']),
    value: z.string(),
    ttl: z.number().int(),
    createdAt: Timestamp,
  })
  .strict();
export type DnsRecordResource = z.infer<typeof DnsRecordResource>;

export const CommonResource = z.discriminatedUnion('kind', [VirtualMachineResource, DnsRecordResource]);
export type CommonResource = z.infer<typeof CommonResource>;

/** `oo-repo.json` at the root of each resource type's repository. */
export const RepoMetadata = z
  .object({
    formatVersion: z.literal(COMMON_FORMAT_VERSION),
    resourceType: z.string(),
    osFamily: z.enum(['linux', 'windows', 'any']).default('any'),
    managed: z.boolean(),
    /** Unmanaged: the AWX job template name (or local playbook) that builds a resource. */
    jobTemplate: z.string().optional(),
    /** Managed: the Terraform module folder shipped with OO (e.g. vsphere-vm). */
    terraformModule: z.string().optional(),
    /** The child workflow template the wrapper starts (awx-job, tfe-run). */
    workflow: z.string(),
  })
  .strict();
export type RepoMetadata = z.infer<typeof RepoMetadata>;

/** What `rfm.commit` returns and the wrappers take: where the resource files are, exactly. */
export const CommitRef = z
  .object({
    repo: z.string(),
    commit: z.string().regex(/^[0-9a-f]{40}$/, 'must be a full git commit id'),
    /** Paths of the common-format files in the commit, one per resource. */
    files: z.array(z.string()).min(1),
  })
  .strict();
export type CommitRef = z.infer<typeof CommitRef>;
