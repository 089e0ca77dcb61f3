/**
 * Idempotency keys: the gateway remembers the response it gave to (principal, key), so a client
 * retrying a POST gets the same answer instead of a second request. The body hash lets it tell a
 * retry from a different request reusing the key.
 */
import { type Db, iso, json, type Row } from './db.js';
import type { StoredResponse } from './views.js';

export interface RememberInput {
  readonly principal: string;
  readonly key: string;
  readonly bodyHash: string;
  readonly response: unknown;
}

function toStored(row: Row): StoredResponse {
  return {
    principal: String(row.principal),
    key: String(row.key),
    bodyHash: String(row.body_hash),
    response: row.response,
    createdAt: iso(row.created_at),
  };
}

/**
 * Stores the response unless one is stored under (principal, key) already, and resolves with the
 * stored one: the caller's own on the first call, the earlier one when another request won the race.
 */
export async function rememberResponse(
  db: Db,
  input: RememberInput,
  now: () => Date,
): Promise<StoredResponse> {
  const [inserted] = await db.query(
    `INSERT INTO idempotency (principal, key, body_hash, response, created_at)
     VALUES ($1, $2, $3, $4::jsonb, $5)
     ON CONFLICT (principal, key) DO NOTHING
     RETURNING principal, key, body_hash, response, created_at`,
    [input.principal, input.key, input.bodyHash, json(input.response ?? null), now()],
  );
  if (inserted) return toStored(inserted);
  const existing = await findResponse(db, input.principal, input.key);
  if (!existing) throw new Error(`idempotency entry ${input.principal}/${input.key} vanished while storing`);
  return existing;
}

export async function findResponse(
  db: Db,
  principal: string,
  key: string,
): Promise<StoredResponse | undefined> {
  const [row] = await db.query(
    `SELECT principal, key, body_hash, response, created_at FROM idempotency
     WHERE principal = $1 AND key = $2`,
    [principal, key],
  );
  return row ? toStored(row) : undefined;
}

/** Forgets entries stored before `before`; resolves with how many. */
export async function pruneResponses(db: Db, before: Date): Promise<number> {
  const rows = await db.query('DELETE FROM idempotency WHERE created_at < $1 RETURNING key', [before]);
  return rows.length;
}
