/**
 * The inventory: what exists on the systems VMs are built on — compute clusters, datastores and
 * networks — read, read-only, by the gateway from a source (a JSON file by default, or vCenter).
 * Admins see it beside the policy, whose cluster x datastore matrix is chosen from it, and a policy
 * change that brings in a name the inventory does not hold is refused (see the gateway's
 * inventory-check.ts). The file source's format is `InventoryLists`.
 */
import { z } from 'zod';

const Name = z.string().min(1).max(255);
/** The source's own id (vCenter's `domain-c8`, `datastore-12`, `network-13`); absent in a file. */
const SourceId = z.string().min(1).max(255).optional();

export const InventoryCluster = z.object({ name: Name, id: SourceId }).strict();
export type InventoryCluster = z.infer<typeof InventoryCluster>;

export const InventoryDatastore = z
  .object({
    name: Name,
    id: SourceId,
    /** VMFS, NFS, VSAN, VVOL, ... as the source says. */
    type: z.string().max(64).optional(),
    capacityGb: z.number().nonnegative().optional(),
    freeGb: z.number().nonnegative().optional(),
  })
  .strict();
export type InventoryDatastore = z.infer<typeof InventoryDatastore>;

export const InventoryNetwork = z
  .object({
    name: Name,
    id: SourceId,
    /** STANDARD_PORTGROUP, DISTRIBUTED_PORTGROUP, OPAQUE_NETWORK, ... as the source says. */
    type: z.string().max(64).optional(),
  })
  .strict();
export type InventoryNetwork = z.infer<typeof InventoryNetwork>;

/** What a source lists; also the format of an inventory file. */
export const InventoryLists = z
  .object({
    clusters: z.array(InventoryCluster).max(10_000),
    datastores: z.array(InventoryDatastore).max(10_000),
    networks: z.array(InventoryNetwork).max(10_000),
  })
  .strict();
export type InventoryLists = z.infer<typeof InventoryLists>;

/** A policy field naming something the inventory does not hold (`clusters.1`, `networks.0.name`). */
export const InventoryGap = z.object({ path: z.string(), message: z.string() }).strict();
export type InventoryGap = z.infer<typeof InventoryGap>;

/** `GET /v1/inventory`: the lists, where they came from and when, and the current policy's gaps. */
export const InventoryView = InventoryLists.extend({
  /** `file:<path>` or `vcenter:<url>` (never a credential). */
  source: z.string(),
  /** When the source was read (RFC 3339); answers are cached for a short while. */
  fetchedAt: z.string(),
  /** The policy version `gaps` were computed against. */
  policyVersion: z.number().int().min(1),
  gaps: z.array(InventoryGap),
}).strict();
export type InventoryView = z.infer<typeof InventoryView>;
