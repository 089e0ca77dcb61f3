// @ts-check
/**
 * The policy's cluster × datastore matrix beside the inventory, as data: which clusters and
 * datastores to show (the inventory's and the policy's), and a cell's change applied to the policy
 * the editor holds. No DOM here, so it is unit-tested as it is.
 */

/**
 * @typedef {{ cluster: string, datastore: string, allowed: boolean, capacity?: number }} PlacementPair
 * @typedef {{ clusters: string[], datastores: string[], matrix: PlacementPair[] } & Record<string, unknown>} PlacementPolicy
 * @typedef {{ name: string }} Named
 * @typedef {{ clusters: Named[], datastores: Named[], networks: Named[] }} InventoryLists
 * @typedef {{ name: string, inInventory: boolean, inPolicy: boolean }} Axis
 */

/**
 * The inventory's names in its order, then those only the policy has (a name vCenter no longer
 * lists stays visible, marked, so an admin sees why requests may fail to place).
 * @param {Named[]} listed
 * @param {string[]} named
 * @returns {Axis[]}
 */
function axis(listed, named) {
  const listedNames = listed.map((item) => item.name);
  const policyNames = new Set(named);
  return [
    ...listedNames.map((name) => ({ name, inInventory: true, inPolicy: policyNames.has(name) })),
    ...named
      .filter((name) => !listedNames.includes(name))
      .map((name) => ({ name, inInventory: false, inPolicy: true })),
  ];
}

/**
 * @param {InventoryLists} inventory
 * @param {PlacementPolicy} policy
 */
export function matrixAxes(inventory, policy) {
  return {
    clusters: axis(inventory.clusters, policy.clusters),
    datastores: axis(inventory.datastores, policy.datastores),
  };
}

/**
 * Whether the pair is allowed.
 * @param {PlacementPolicy} policy
 * @param {string} cluster
 * @param {string} datastore
 */
export function isAllowed(policy, cluster, datastore) {
  return policy.matrix.some((p) => p.cluster === cluster && p.datastore === datastore && p.allowed);
}

/**
 * The policy with the pair allowed or not. Allowing adds the cluster and the datastore to the
 * policy's lists if they are new; a pair already listed keeps its place (placement tries pairs in
 * order) and its capacity; a new one goes last.
 * @param {PlacementPolicy} policy
 * @param {string} cluster
 * @param {string} datastore
 * @param {boolean} allowed
 * @returns {PlacementPolicy}
 */
export function setPair(policy, cluster, datastore, allowed) {
  const listed = policy.matrix.some((p) => p.cluster === cluster && p.datastore === datastore);
  const matrix = listed
    ? policy.matrix.map((p) => (p.cluster === cluster && p.datastore === datastore ? { ...p, allowed } : p))
    : [...policy.matrix, { cluster, datastore, allowed }];
  const clusters =
    allowed && !policy.clusters.includes(cluster) ? [...policy.clusters, cluster] : policy.clusters;
  const datastores =
    allowed && !policy.datastores.includes(datastore) ? [...policy.datastores, datastore] : policy.datastores;
  return { ...policy, clusters, datastores, matrix };
}

/**
 * Whether the editor's text holds something shaped like a policy's placement.
 * @param {unknown} value
 * @returns {value is PlacementPolicy}
 */
export function hasPlacement(value) {
  if (typeof value !== 'object' || value === null) return false;
  const { clusters, datastores, matrix } = /** @type {Record<string, unknown>} */ (value);
  return Array.isArray(clusters) && Array.isArray(datastores) && Array.isArray(matrix);
}
