/**
 * Which names of a policy the inventory does not hold: its clusters, datastores and networks.
 * `GET /v1/inventory` lists them for the current policy; `PUT /v1/policy` refuses a policy that
 * brings in such a name, but not one that keeps a name it already had (a cluster renamed in vCenter
 * must not block an unrelated change of the bounds). A request's networks are held to it too (see
 * requested-names.ts).
 */
import type { InventoryGap, InventoryLists, Policy, ResourceSpec } from '@oo/contracts';
import type { InventoryKind } from './inventory-source.js';

/** The source a kind's list came from, named in a gap's message. */
export type SourceOf = (kind: InventoryKind) => string;

export interface NamedField {
  readonly path: string;
  readonly kind: InventoryKind;
  readonly name: string;
}

function namedFields(policy: Policy): NamedField[] {
  return [
    ...policy.clusters.map((name, i) => ({ path: `clusters.${i}`, kind: 'cluster' as const, name })),
    ...policy.datastores.map((name, i) => ({ path: `datastores.${i}`, kind: 'datastore' as const, name })),
    ...policy.networks.map((n, i) => ({
      path: `networks.${i}.name`,
      kind: 'network' as const,
      name: n.name,
    })),
  ];
}

/** The names a request's resources ask for: each VM's network (clusters and datastores are RFM's choice). */
export function requestedNames(resources: readonly ResourceSpec[]): NamedField[] {
  return resources.flatMap((r, i) =>
    r.type === 'virtual_machine'
      ? [{ path: `resources.${i}.network`, kind: 'network' as const, name: r.network }]
      : [],
  );
}

function known(lists: InventoryLists): Record<NamedField['kind'], ReadonlySet<string>> {
  return {
    cluster: new Set(lists.clusters.map((c) => c.name)),
    datastore: new Set(lists.datastores.map((d) => d.name)),
    network: new Set(lists.networks.map((n) => n.name)),
  };
}

/** A missing name as a refusal names it: its field and the source that lacks it. */
export function gap(field: NamedField, sourceOf: SourceOf): InventoryGap {
  return {
    path: field.path,
    message: `${field.kind} "${field.name}" is not in the inventory (${sourceOf(field.kind)})`,
  };
}

/** Those of `fields` the inventory lacks. */
export function missingFields(fields: readonly NamedField[], lists: InventoryLists): NamedField[] {
  const names = known(lists);
  return fields.filter((f) => !names[f.kind].has(f.name));
}

/** Those of `fields` the inventory lacks, as gaps. */
export function missingNames(
  fields: readonly NamedField[],
  lists: InventoryLists,
  sourceOf: SourceOf,
): InventoryGap[] {
  return missingFields(fields, lists).map((f) => gap(f, sourceOf));
}

/** Every name of `policy` the inventory lacks. */
export function inventoryGaps(policy: Policy, lists: InventoryLists, sourceOf: SourceOf): InventoryGap[] {
  return missingNames(namedFields(policy), lists, sourceOf);
}

/** The names `next` brings in that `current` does not have, whatever the inventory says. */
export function newNames(next: Policy, current: Policy): NamedField[] {
  const had = new Set(namedFields(current).map((f) => `${f.kind}\0${f.name}`));
  return namedFields(next).filter((f) => !had.has(`${f.kind}\0${f.name}`));
}
