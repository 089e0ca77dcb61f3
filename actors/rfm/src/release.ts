/** Giving back what a request holds — addresses, names, placements — when it failed or was cancelled. */
import type { Db } from '@oo/read-model';

export interface Released {
  readonly addresses: number;
  readonly names: number;
  readonly placements: number;
}

/** Idempotent: releasing a request that holds nothing releases nothing. */
export async function releaseRequest(db: Db, requestId: string): Promise<Released> {
  return db.transaction(async (tx) => {
    const count = async (table: string) =>
      (await tx.query(`DELETE FROM ${table} WHERE request_id = $1 RETURNING request_id`, [requestId])).length;
    return {
      addresses: await count('rfm_ip_allocations'),
      names: await count('rfm_names'),
      placements: await count('rfm_placements'),
    };
  });
}
