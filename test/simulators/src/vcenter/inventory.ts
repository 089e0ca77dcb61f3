/**
 * The inventory as vCenter's list operations answer it. Ids are assigned in seed order with one
 * counter per kind, so a test that renames an item with `setSeed` keeps its id, as a rename in vCenter
 * keeps the managed object id.
 */
import { type VcenterSimSeed, VcenterSimSeedSchema } from './types.js';

export interface ClusterSummary {
  cluster: string;
  name: string;
  ha_enabled: boolean;
  drs_enabled: boolean;
}

export interface DatastoreSummary {
  datastore: string;
  name: string;
  type: string;
  free_space: number;
  capacity: number;
}

export interface NetworkSummary {
  network: string;
  name: string;
  type: string;
}

export interface Inventory {
  readonly clusters: readonly ClusterSummary[];
  readonly datastores: readonly DatastoreSummary[];
  readonly networks: readonly NetworkSummary[];
}

/** Holds every name of OO's sample policy (actors/read-model/src/sample-policy.ts): keep them in step. */
export const DEFAULT_VCENTER_SEED: VcenterSimSeed = {
  clusters: [{ name: 'cluster-a' }, { name: 'cluster-b' }, { name: 'cluster-c' }],
  datastores: [
    { name: 'ds-fast', type: 'VSAN', capacityGb: 4096, freeGb: 2500 },
    { name: 'ds-bulk', type: 'NFS', capacityGb: 20480, freeGb: 12000 },
    { name: 'ds-archive', type: 'VMFS', capacityGb: 8192, freeGb: 8000 },
  ],
  networks: [
    { name: 'INTRANET_DEV', type: 'DISTRIBUTED_PORTGROUP' },
    { name: 'INTRANET_PROD', type: 'DISTRIBUTED_PORTGROUP' },
    { name: 'DMZ', type: 'DISTRIBUTED_PORTGROUP' },
    { name: 'VM Network', type: 'STANDARD_PORTGROUP' },
  ],
};

const GIB = 2 ** 30;

/** Throws on a malformed seed (a test bug), naming the field. */
export function buildInventory(seed: VcenterSimSeed): Inventory {
  const parsed = VcenterSimSeedSchema.safeParse(seed);
  if (!parsed.success) throw new Error(`vcenter simulator: invalid seed: ${parsed.error.message}`);
  const { clusters, datastores, networks } = parsed.data;
  return {
    clusters: clusters.map((c, i) => ({
      cluster: `domain-c${i + 1}`,
      name: c.name,
      ha_enabled: c.ha,
      drs_enabled: c.drs,
    })),
    datastores: datastores.map((ds, i) => ({
      datastore: `datastore-${i + 1}`,
      name: ds.name,
      type: ds.type,
      free_space: Math.round(ds.freeGb * GIB),
      capacity: Math.round(ds.capacityGb * GIB),
    })),
    // Distributed port groups are `dvportgroup-N` managed objects, the rest `network-N`.
    networks: networks.map((n, i) => ({
      network: `${n.type === 'DISTRIBUTED_PORTGROUP' ? 'dvportgroup' : 'network'}-${i + 1}`,
      name: n.name,
      type: n.type,
    })),
  };
}
