/**
 * IP address management. Allocation takes the lowest free address of a network, race-free across
 * connections and rfm replicas: the transaction locks the network's row (`SELECT ... FOR UPDATE`), so
 * allocations of one network run one at a time, and the primary key (network, address) rejects a
 * double allocation should anything bypass the lock. Idempotent per (request, resource index,
 * ordinal): asking again returns the address given the first time.
 */
import { type Db, usableRange } from '@oo/read-model';
import { intToIp, lowestFree } from './ip-range.js';
import type { AllocatedAddress, PolicyNetwork } from './policy-types.js';
import { rejection } from './rfm-errors.js';

export interface AllocationKey {
  readonly requestId: string;
  readonly index: number;
  readonly ordinal: number;
}

function described(network: PolicyNetwork, address: number): AllocatedAddress {
  return {
    network: network.name,
    ip: intToIp(address),
    prefixLength: usableRange(network).prefixLength,
    gateway: network.gateway,
    dns: network.dns,
    ...(network.vlan === undefined ? {} : { vlan: network.vlan }),
  };
}

/**
 * The address of this resource instance on `network`, allocating the lowest free one the first time.
 * Throws OO_ERR_RFM_REJECTED ("network X exhausted", path `network`) when none is left.
 */
export async function allocateAddress(
  db: Db,
  network: PolicyNetwork,
  key: AllocationKey,
): Promise<AllocatedAddress> {
  return db.transaction(async (tx) => {
    await tx.query('INSERT INTO rfm_networks (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [
      network.name,
    ]);
    await tx.query('SELECT name FROM rfm_networks WHERE name = $1 FOR UPDATE', [network.name]);
    // Looked up under the lock, so two deliveries of one task at once cannot take two addresses.
    const mine = await tx.query<{ address: string | number }>(
      `SELECT address FROM rfm_ip_allocations
        WHERE request_id = $1 AND resource_index = $2 AND ordinal = $3 AND network = $4`,
      [key.requestId, key.index, key.ordinal, network.name],
    );
    if (mine[0]) return described(network, Number(mine[0].address));
    const taken = await tx.query<{ address: string | number }>(
      'SELECT address FROM rfm_ip_allocations WHERE network = $1',
      [network.name],
    );
    const free = lowestFree(usableRange(network), new Set(taken.map((r) => Number(r.address))));
    if (free === undefined) throw rejection('network', `network ${network.name} exhausted`);
    await tx.query(
      `INSERT INTO rfm_ip_allocations (network, address, request_id, resource_index, ordinal)
       VALUES ($1, $2, $3, $4, $5)`,
      [network.name, free, key.requestId, key.index, key.ordinal],
    );
    return described(network, free);
  });
}

/** Addresses held by a request (for tests and operations). */
export async function addressesOf(db: Db, requestId: string): Promise<string[]> {
  const rows = await db.query<{ address: string | number }>(
    'SELECT address FROM rfm_ip_allocations WHERE request_id = $1 ORDER BY address',
    [requestId],
  );
  return rows.map((r) => intToIp(Number(r.address)));
}
