import { describe, expect, it } from 'vitest';
import { hasPlacement, isAllowed, matrixAxes, setPair } from '../public/placement.js';

const policy = {
  images: [],
  clusters: ['cluster-a', 'cluster-old'],
  datastores: ['ds-fast'],
  matrix: [
    { cluster: 'cluster-a', datastore: 'ds-fast', allowed: true, capacity: 40 },
    { cluster: 'cluster-old', datastore: 'ds-fast', allowed: false },
  ],
};
const inventory = {
  clusters: [{ name: 'cluster-a' }, { name: 'cluster-c' }],
  datastores: [{ name: 'ds-fast' }, { name: 'ds-bulk' }],
  networks: [],
};

describe('web - placement matrix', () => {
  it("shows the inventory's names, then the policy's names the inventory lacks", () => {
    expect(matrixAxes(inventory, policy)).toEqual({
      clusters: [
        { name: 'cluster-a', inInventory: true, inPolicy: true },
        { name: 'cluster-c', inInventory: true, inPolicy: false },
        { name: 'cluster-old', inInventory: false, inPolicy: true },
      ],
      datastores: [
        { name: 'ds-fast', inInventory: true, inPolicy: true },
        { name: 'ds-bulk', inInventory: true, inPolicy: false },
      ],
    });
  });

  it('allows a new pair last, adding its cluster and datastore to the lists', () => {
    const next = setPair(policy, 'cluster-c', 'ds-bulk', true);
    expect(next.clusters).toEqual(['cluster-a', 'cluster-old', 'cluster-c']);
    expect(next.datastores).toEqual(['ds-fast', 'ds-bulk']);
    expect(next.matrix.at(-1)).toEqual({ cluster: 'cluster-c', datastore: 'ds-bulk', allowed: true });
    expect(isAllowed(next, 'cluster-c', 'ds-bulk')).toBe(true);
    expect(next.images).toBe(policy.images);
    expect(policy.matrix).toHaveLength(2);
  });

  it('denies a listed pair in its place, keeping its capacity and the lists', () => {
    const next = setPair(policy, 'cluster-a', 'ds-fast', false);
    expect(next.matrix[0]).toEqual({
      cluster: 'cluster-a',
      datastore: 'ds-fast',
      allowed: false,
      capacity: 40,
    });
    expect(next.clusters).toEqual(policy.clusters);
    expect(isAllowed(next, 'cluster-a', 'ds-fast')).toBe(false);
    expect(isAllowed(setPair(next, 'cluster-a', 'ds-fast', true), 'cluster-a', 'ds-fast')).toBe(true);
  });

  it('tells a policy from other JSON', () => {
    expect(hasPlacement(policy)).toBe(true);
    expect(hasPlacement({ clusters: [], datastores: [] })).toBe(false);
    expect(hasPlacement([1])).toBe(false);
    expect(hasPlacement(null)).toBe(false);
  });
});
