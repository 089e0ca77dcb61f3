/**
 * Placement: which (cluster, datastore) pair a VM goes to. The rule, deterministic for a given
 * database state: among the pairs the matrix allows that have capacity left (`capacity` unset means
 * unlimited), the one with the fewest VMs placed; ties go to the pair listed first. Placements of one
 * installation are serialised by a transaction-scoped advisory lock, so capacity holds across
 * replicas. Idempotent per (request, resource index, ordinal).
 */
import type { Db } from '@oo/read-model';
import type { AllocationKey } from './ipam.js';
import type { Placement, Policy } from './policy-types.js';
import { rejection } from './rfm-errors.js';

export async function placeResource(db: Db, policy: Policy, key: AllocationKey): Promise<Placement> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['oo.rfm.placement']);
    const [mine] = await tx.query<{ cluster: string; datastore: string }>(
      'SELECT cluster, datastore FROM rfm_placements WHERE request_id = $1 AND resource_index = $2 AND ordinal = $3',
      [key.requestId, key.index, key.ordinal],
    );
    if (mine) return { cluster: mine.cluster, datastore: mine.datastore };
    const allowed = policy.matrix.filter((p) => p.allowed);
    if (allowed.length === 0) throw rejection('', 'the policy allows no cluster x datastore pair');
    const counts = await tx.query<{ cluster: string; datastore: string; n: string | number }>(
      'SELECT cluster, datastore, count(*) AS n FROM rfm_placements GROUP BY cluster, datastore',
    );
    const used = (cluster: string, datastore: string) =>
      Number(counts.find((c) => c.cluster === cluster && c.datastore === datastore)?.n ?? 0);
    let best: { cluster: string; datastore: string; n: number } | undefined;
    for (const pair of allowed) {
      const n = used(pair.cluster, pair.datastore);
      if (pair.capacity !== undefined && n >= pair.capacity) continue;
      if (best === undefined || n < best.n) best = { cluster: pair.cluster, datastore: pair.datastore, n };
    }
    if (best === undefined) throw rejection('', 'no allowed cluster x datastore pair has capacity left');
    await tx.query(
      'INSERT INTO rfm_placements (request_id, resource_index, ordinal, cluster, datastore) VALUES ($1, $2, $3, $4, $5)',
      [key.requestId, key.index, key.ordinal, best.cluster, best.datastore],
    );
    return { cluster: best.cluster, datastore: best.datastore };
  });
}
