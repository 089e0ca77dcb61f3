/**
 * The vCenter simulator's public shapes: the seed (validated with zod, since tests hand it in), users,
 * faults and the request log.
 */
import { z } from 'zod';
import type { SimFault } from '../faults.js';

/** `type` values of `GET /api/vcenter/datastore` (vSphere 8: com.vmware.vcenter.datastore.type). */
export const VCENTER_DATASTORE_TYPES = ['VMFS', 'NFS', 'NFS41', 'CIFS', 'VSAN', 'VFFS', 'VVOL'] as const;
export type VcenterDatastoreType = (typeof VCENTER_DATASTORE_TYPES)[number];

/** `type` values of `GET /api/vcenter/network` (com.vmware.vcenter.network.type). */
export const VCENTER_NETWORK_TYPES = [
  'STANDARD_PORTGROUP',
  'DISTRIBUTED_PORTGROUP',
  'OPAQUE_NETWORK',
] as const;
export type VcenterNetworkType = (typeof VCENTER_NETWORK_TYPES)[number];

const Name = z.string().min(1).max(80);

export const VcenterSimSeedSchema = z.object({
  clusters: z.array(
    z.object({ name: Name, ha: z.boolean().default(true), drs: z.boolean().default(true) }).strict(),
  ),
  datastores: z.array(
    z
      .object({
        name: Name,
        type: z.enum(VCENTER_DATASTORE_TYPES).default('VMFS'),
        capacityGb: z.number().nonnegative(),
        freeGb: z.number().nonnegative(),
      })
      .strict()
      .refine((ds) => ds.freeGb <= ds.capacityGb, { message: 'freeGb must not exceed capacityGb' }),
  ),
  networks: z.array(
    z.object({ name: Name, type: z.enum(VCENTER_NETWORK_TYPES).default('DISTRIBUTED_PORTGROUP') }).strict(),
  ),
});

/** What the simulated vCenter holds; ids (`domain-c1`, `datastore-1`, `network-1`) follow the order here. */
export type VcenterSimSeed = z.input<typeof VcenterSimSeedSchema>;

export interface VcenterSimUser {
  username: string;
  password: string;
}

/** A fault rule; a `status` fault answers with a vAPI error body. */
export type VcenterSimFault = SimFault;

export interface VcenterSimRequestRecord {
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  /** The answer's status, or `drop` when a fault destroyed the socket. */
  status: number | 'drop';
  /** Whether the request carried a `vmware-api-session-id` header (valid or not). */
  sessionId: boolean;
}
