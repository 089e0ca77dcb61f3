/**
 * The admin policy in PostgreSQL: one row (`rfm_policy`), versioned, and every version kept with who
 * set it and when (`rfm_policy_history`). An empty table is seeded with the sample policy (version 1)
 * on first read. Each change is also written to the audit trail in the same transaction, so there
 * is no change without its audit row. The gateway serves it as `GET/PUT /v1/policy`; RFM reads it
 * for each request.
 */
import { OoError, PolicyRecord } from '@oo/contracts';
import { z } from 'zod';
import { recordAudit } from './audit.js';
import { type Db, iso } from './db.js';
import { validatePolicy } from './policy-check.js';
import { samplePolicy } from './sample-policy.js';
import type { PolicyHistoryPage } from './views.js';

/** Who the seeded version is recorded as set by. */
export const SEED_AUTHOR = 'oo (sample policy)';

/** The audit action of a policy change (target `policy`). */
export const POLICY_CHANGE_ACTION = 'policy.change';

interface PolicyRow {
  version: number;
  policy: unknown;
  updated_by: string;
  updated_at: unknown;
  [key: string]: unknown;
}

function toRecord(row: PolicyRow): PolicyRecord {
  const policy = typeof row.policy === 'string' ? JSON.parse(row.policy) : row.policy;
  return PolicyRecord.parse({
    version: Number(row.version),
    policy,
    updatedBy: row.updated_by,
    updatedAt: iso(row.updated_at),
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

export interface PolicyChange {
  /** Who changes it: a principal's `sub`, recorded in the history and the audit trail. */
  readonly by: string;
  /** Replace only this version (optimistic concurrency: `If-Match`). */
  readonly expectedVersion?: number;
  /** For the audit row: the API token used and the trace of the call. */
  readonly tokenId?: string;
  readonly traceId?: string;
}

/**
 * Stores `candidate` as the next version, recorded in the history and the audit trail with
 * `change.by`. Requests already being handled keep the version they read.
 * @throws OoError OO_ERR_POLICY_INVALID (every reason in `details.reasons`; nothing stored) |
 * OO_ERR_POLICY_CONFLICT (`expectedVersion` is not the current one; `details.currentVersion`)
 */
export async function putPolicy(
  db: Db,
  candidate: unknown,
  change: PolicyChange,
  now: () => Date = () => new Date(),
): Promise<PolicyRecord> {
  const { policy, reasons } = validatePolicy(candidate);
  if (!policy) {
    const list = reasons.map((r) => `${r.path}: ${r.message}`).join('; ');
    throw new OoError('OO_ERR_POLICY_INVALID', `policy rejected: ${list}`, { details: { reasons } });
  }
  await getPolicy(db, now); // seeds, so version 1 is always the sample and the history is complete
  return db.transaction(async (tx) => {
    const [current] = await tx.query<{ version: number; updated_at: unknown }>(
      'SELECT version, updated_at FROM rfm_policy WHERE id = 1 FOR UPDATE',
    );
    const currentVersion = Number(current!.version);
    if (change.expectedVersion !== undefined && change.expectedVersion !== currentVersion) {
      throw new OoError(
        'OO_ERR_POLICY_CONFLICT',
        `policy is at version ${currentVersion}, not ${change.expectedVersion}`,
        { details: { currentVersion, expectedVersion: change.expectedVersion } },
      );
    }
    // Strictly after the previous change: history times never tie, and neither do two audit rows of
    // one admin (the audit's natural key includes the time).
    const at = new Date(Math.max(now().getTime(), new Date(iso(current!.updated_at)).getTime() + 1));
    const version = currentVersion + 1;
    const body = JSON.stringify(policy);
    const [row] = await tx.query<PolicyRow>(
      `UPDATE rfm_policy SET version = $1, policy = $2, updated_by = $3, updated_at = $4 WHERE id = 1
       RETURNING version, policy, updated_by, updated_at`,
      [version, body, change.by, at],
    );
    await tx.query(
      'INSERT INTO rfm_policy_history (version, policy, changed_by, changed_at) VALUES ($1, $2, $3, $4)',
      [version, body, change.by, at],
    );
    await recordAudit(
      tx,
      {
        principal: change.by,
        action: POLICY_CHANGE_ACTION,
        target: 'policy',
        details: { version, previousVersion: currentVersion, tokenId: change.tokenId ?? null },
        at,
        ...(change.traceId ? { traceId: change.traceId } : {}),
      },
      now,
    );
    return toRecord(row!);
  });
}

/** The largest version the `integer` version column holds. */
const MAX_VERSION = 2 ** 31 - 1;

export const PolicyHistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  // Bounded by the column: a larger number failed the query in PostgreSQL (out of range), a 500.
  before: z.coerce
    .number()
    .int()
    .min(2)
    .max(MAX_VERSION)
    .optional()
    .describe('Versions below this one: nextBefore of the previous page'),
});
export type PolicyHistoryQuery = z.input<typeof PolicyHistoryQuery>;

/** Stored versions, newest first, a page at a time. Throws a ZodError naming the field for a bad query. */
export async function policyHistory(
  db: Db,
  query: PolicyHistoryQuery = {},
  now: () => Date = () => new Date(),
): Promise<PolicyHistoryPage> {
  const q = PolicyHistoryQuery.parse(query);
  await getPolicy(db, now); // an empty database has the seeded version 1 as its history
  const rows = await db.query<PolicyRow>(
    `SELECT version, policy, changed_by AS updated_by, changed_at AS updated_at
       FROM rfm_policy_history WHERE version < $1 ORDER BY version DESC LIMIT $2`,
    [q.before ?? MAX_VERSION, q.limit + 1],
  );
  const items = rows.slice(0, q.limit).map(toRecord);
  return {
    items,
    nextBefore: rows.length > q.limit ? items.at(-1)!.version : null,
  };
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
