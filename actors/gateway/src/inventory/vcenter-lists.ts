/**
 * vCenter's list answers (`GET /api/vcenter/{cluster,datastore,network}`) read with zod and mapped
 * onto OO's inventory. Objects are loose: vCenter adds fields between versions, and only the fields
 * read here must hold.
 */
import type { InventoryCluster, InventoryDatastore, InventoryNetwork } from '@oo/contracts';
import { z } from 'zod';

export type ListKind = 'cluster' | 'datastore' | 'network';

export const LISTS: Readonly<Record<ListKind, { path: string; plural: string }>> = {
  cluster: { path: '/api/vcenter/cluster', plural: 'clusters' },
  datastore: { path: '/api/vcenter/datastore', plural: 'datastores' },
  network: { path: '/api/vcenter/network', plural: 'networks' },
};

// Bounds as in OO's inventory contract, so a mapped list always satisfies it.
const Name = z.string().min(1).max(255);
const Id = z.string().min(1).max(255);
const Type = z.string().min(1).max(64);

const ClusterSummary = z.looseObject({ cluster: Id, name: Name });
const DatastoreSummary = z.looseObject({
  datastore: Id,
  name: Name,
  type: Type,
  // Absent when the datastore is inaccessible.
  free_space: z.number().nonnegative().optional(),
  capacity: z.number().nonnegative().optional(),
});
const NetworkSummary = z.looseObject({ network: Id, name: Name, type: Type });

/** Builds the error for an unreadable answer: the path and the first issue. */
export type Unreadable = (path: string, issue: string) => Error;

function parse<T extends z.ZodType>(
  schema: T,
  kind: ListKind,
  body: unknown[],
  unreadable: Unreadable,
): z.infer<T>[] {
  const parsed = z.array(schema).safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined ? '' : `${issue.path.join('.')}: `;
  throw unreadable(LISTS[kind].path, `${where}${issue?.message ?? 'invalid'}`);
}

const gb = (bytes: number): number => Math.round((bytes / 2 ** 30) * 10) / 10;

export const mapClusters = (body: unknown[], unreadable: Unreadable): InventoryCluster[] =>
  parse(ClusterSummary, 'cluster', body, unreadable).map((c) => ({ name: c.name, id: c.cluster }));

export const mapDatastores = (body: unknown[], unreadable: Unreadable): InventoryDatastore[] =>
  parse(DatastoreSummary, 'datastore', body, unreadable).map((ds) => ({
    name: ds.name,
    id: ds.datastore,
    type: ds.type,
    ...(ds.capacity === undefined ? {} : { capacityGb: gb(ds.capacity) }),
    ...(ds.free_space === undefined ? {} : { freeGb: gb(ds.free_space) }),
  }));

export const mapNetworks = (body: unknown[], unreadable: Unreadable): InventoryNetwork[] =>
  parse(NetworkSummary, 'network', body, unreadable).map((n) => ({
    name: n.name,
    id: n.network,
    type: n.type,
  }));
