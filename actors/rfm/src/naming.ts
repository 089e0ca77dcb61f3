/**
 * Names. A requested name is claimed as is; otherwise the configured pattern is rendered — `{env}`,
 * `{os}` (or any part the handler passes) and `{seq:N}`, the next number of that rendered prefix,
 * N digits wide — e.g. `{env}-{os}-{seq:4}` -> `dev-rhel9-0001`. Uniqueness is the database's
 * primary key (kind, name); idempotent per (request, resource index, ordinal).
 */
import type { Db } from '@oo/read-model';
import { rejection } from './rfm-errors.js';

export const DEFAULT_NAME_PATTERN = '{env}-{os}-{seq:4}';
const SEQ = /\{seq(?::(\d+))?\}/;
const PART = /\{([a-z][a-z0-9_]*)\}/g;

/** A part as it may appear in a host name: lower case, anything else a dash. */
function label(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

/** The pattern with its parts filled in and `{seq:N}` left for the number. */
export function renderPrefix(pattern: string, parts: Record<string, string>): string {
  return pattern.replace(PART, (whole, key: string) => (key === 'seq' ? whole : label(parts[key] ?? key)));
}

export function withSequence(prefix: string, seq: number): string {
  return prefix.replace(SEQ, (_w, width: string | undefined) =>
    String(seq).padStart(Number(width ?? 1), '0'),
  );
}

/** Throws when the pattern has no `{seq}` (it could only ever name one resource). */
export function checkNamePattern(pattern: string): void {
  if (!SEQ.test(pattern)) throw new Error(`naming pattern "${pattern}" needs a {seq} or {seq:N}`);
}

export interface NameClaim {
  readonly kind: string;
  readonly requestId: string;
  readonly index: number;
  readonly ordinal: number;
  readonly requested?: string;
  readonly parts?: Record<string, string>;
  readonly field?: string;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function tryClaim(tx: Tx, claim: NameClaim, name: string): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO rfm_names (kind, name, request_id, resource_index, ordinal) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (kind, name) DO NOTHING RETURNING name`,
    [claim.kind, name, claim.requestId, claim.index, claim.ordinal],
  );
  return rows.length === 1;
}

/**
 * The name of this resource instance, claiming one the first time. Throws OO_ERR_RFM_REJECTED when a
 * requested name is held by another request, or the pattern's numbers are used up.
 */
export async function claimName(db: Db, pattern: string, claim: NameClaim): Promise<string> {
  return db.transaction(async (tx) => {
    const mine = await tx.query<{ name: string }>(
      'SELECT name FROM rfm_names WHERE request_id = $1 AND resource_index = $2 AND ordinal = $3 AND kind = $4',
      [claim.requestId, claim.index, claim.ordinal, claim.kind],
    );
    if (mine[0]) return mine[0].name;
    if (claim.requested !== undefined) {
      if (await tryClaim(tx, claim, claim.requested)) return claim.requested;
      throw rejection(claim.field ?? 'name', `name ${claim.requested} is taken`);
    }
    const prefix = renderPrefix(pattern, claim.parts ?? {});
    await tx.query(
      'INSERT INTO rfm_name_sequences (prefix, next) VALUES ($1, 1) ON CONFLICT (prefix) DO NOTHING',
      [prefix],
    );
    const [row] = await tx.query<{ next: number }>(
      'SELECT next FROM rfm_name_sequences WHERE prefix = $1 FOR UPDATE',
      [prefix],
    );
    const width = Number(SEQ.exec(prefix)?.[1] ?? 1);
    const limit = width >= 9 ? Number.MAX_SAFE_INTEGER : 10 ** width - 1;
    for (let seq = Number(row!.next); seq <= limit; seq++) {
      const name = withSequence(prefix, seq);
      // A name asked for by hand may already hold this number: skip it.
      if (await tryClaim(tx, claim, name)) {
        await tx.query('UPDATE rfm_name_sequences SET next = $2 WHERE prefix = $1', [prefix, seq + 1]);
        return name;
      }
    }
    throw rejection(claim.field ?? 'name', `no name left for pattern ${prefix}`);
  });
}
