/**
 * The policy in PostgreSQL: one row (`rfm_policy`), versioned, and every version kept with who set
 * it and when (`rfm_policy_history`). An empty table is seeded with the sample policy on first read.
 * Backs the gateway's `GET/PUT /v1/policy`; RFM reads it for each request.
 */
import type { Db } from '@oo/read-model';
import { checkPolicyAddresses } from './policy-check.js';
import { Policy, PolicyRecord } from './policy-types.js';
import { issuesToReasons } from './reasons.js';
import { rfmError } from './rfm-errors.js';
import { samplePolicy } from './sample-policy.js';

/** Who the seeded version is recorded as set by. */
export const SEED_AUTHOR = 'oo (sample policy)';

interface PolicyRow {
  version: number;
  policy: unknown;
  updated_by: string;
  updated_at: unknown;
  [key: string]: unknown;
}

function toRecord(row: PolicyRow): PolicyRecord {
  const policy = typeof row.policy === 'string' ? JSON.parse(row.policy) : row.policy;
  const at = row.updated_at instanceof Date ? row.updated_at : new Date(String(row.updated_at));
  return PolicyRecord.parse({
    version: Number(row.version),
    policy,
    updatedBy: row.updated_by,
    updatedAt: at.toISOString(),
  });
}

async function seed(db: Db, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO rfm_policy (id, version, policy, updated_by, updated_at) VALUES (1, 1, $1, $2, $3)
       ON CONFLICT (id) DO NOTHING RETURNING version`,
      [JSON.stringify(samplePolicy), SEED_AUTHOR, now],
    );
    if (inserted.length === 1) {
      await tx.query(
        'INSERT INTO rfm_policy_history (version, policy, changed_by, changed_at) VALUES (1, $1, $2, $3)',
        [JSON.stringify(samplePolicy), SEED_AUTHOR, now],
      );
    }
  });
}

/** The current policy; seeds the sample policy (version 1) when none is stored. */
export async function getPolicy(db: Db, now: () => Date = () => new Date()): Promise<PolicyRecord> {
  const select = () =>
    db.query<PolicyRow>('SELECT version, policy, updated_by, updated_at FROM rfm_policy WHERE id = 1');
  let [row] = await select();
  if (!row) {
    await seed(db, now());
    [row] = await select();
  }
  return toRecord(row!);
}

/** Every reason `candidate` is not a valid policy; empty when it is. */
export function validatePolicy(candidate: unknown): {
  policy?: Policy;
  reasons: { path: string; message: string }[];
} {
  const parsed = Policy.safeParse(candidate);
  if (!parsed.success) return { reasons: issuesToReasons(parsed.error) };
  const reasons = checkPolicyAddresses(parsed.data);
  return reasons.length > 0 ? { reasons } : { policy: parsed.data, reasons };
}

export interface PutPolicyOptions {
  /** Replace only this version (optimistic concurrency, e.g. from `If-Match`). */
  expectedVersion?: number;
  now?: () => Date;
}

/**
 * Stores a new version of the policy, recorded in the history with `by` and the time. Throws
 * OO_ERR_RFM_POLICY_INVALID (every reason in `details.reasons`) or OO_ERR_RFM_POLICY_CONFLICT when
 * `expectedVersion` is not the current one. Requests already being handled keep the version they read.
 */
export async function putPolicy(
  db: Db,
  candidate: unknown,
  by: string,
  options: PutPolicyOptions = {},
): Promise<PolicyRecord> {
  const { policy, reasons } = validatePolicy(candidate);
  if (!policy) {
    throw rfmError(
      'OO_ERR_RFM_POLICY_INVALID',
      `policy rejected: ${reasons.map((r) => `${r.path}: ${r.message}`).join('; ')}`,
      {
        reasons,
      },
    );
  }
  await getPolicy(db, options.now); // seeds, so version 1 is always the sample and history is complete
  const at = (options.now ?? (() => new Date()))();
  return db.transaction(async (tx) => {
    const [current] = await tx.query<{ version: number }>(
      'SELECT version FROM rfm_policy WHERE id = 1 FOR UPDATE',
    );
    const currentVersion = Number(current!.version);
    if (options.expectedVersion !== undefined && options.expectedVersion !== currentVersion) {
      throw rfmError(
        'OO_ERR_RFM_POLICY_CONFLICT',
        `policy is at version ${currentVersion}, not ${options.expectedVersion}`,
        { currentVersion },
      );
    }
    const version = currentVersion + 1;
    const body = JSON.stringify(policy);
    const [row] = await tx.query<PolicyRow>(
      `UPDATE rfm_policy SET version = $1, policy = $2, updated_by = $3, updated_at = $4 WHERE id = 1
       RETURNING version, policy, updated_by, updated_at`,
      [version, body, by, at],
    );
    await tx.query(
      'INSERT INTO rfm_policy_history (version, policy, changed_by, changed_at) VALUES ($1, $2, $3, $4)',
      [version, body, by, at],
    );
    return toRecord(row!);
  });
}

/** Every stored version, newest first: the audit trail of policy changes. */
export async function policyHistory(db: Db): Promise<PolicyRecord[]> {
  const rows = await db.query<PolicyRow>(
    `SELECT version, policy, changed_by AS updated_by, changed_at AS updated_at
       FROM rfm_policy_history ORDER BY version DESC`,
  );
  return rows.map(toRecord);
}

/** A stored version (current or past); undefined when there is no such version. */
export async function policyVersion(db: Db, version: number): Promise<PolicyRecord | undefined> {
  const [row] = await db.query<PolicyRow>(
    `SELECT version, policy, changed_by AS updated_by, changed_at AS updated_at
       FROM rfm_policy_history WHERE version = $1`,
    [version],
  );
  return row ? toRecord(row) : undefined;
}
