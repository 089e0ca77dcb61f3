/**
 * API tokens. A secret is `oo_<token id>_<43 base64url chars>` (256 random bits); only its sha256
 * is stored, so a database dump lends no one access. A secret is checked by its shape first, then
 * by looking its id up and comparing hashes in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId, type Role } from '@oo/contracts';
import { type Db, iso, isoOrNull, type Row, timeParam } from './db.js';
import type { CreatedToken, TokenInfo } from './views.js';

/**
 * Matches every secret `newSecret` makes for a `newId('tok')` id, and is stricter than "43 base64url
 * chars" only where no minted secret can differ: the id's ULID starts with its time, below 2^48 ms,
 * so its first char is 0-7; 32 bytes in base64url end in a char holding the last 4 bits and two
 * zero bits, one of 16 chars.
 */
const SECRET = /^oo_(tok_[0-7][0-9A-HJKMNP-TV-Z]{25})_[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const COLUMNS = 'id, name, role, created_at, last_used_at, revoked_at';
/** `touchToken` writes at most this often per token, so a busy token is not a write per request. */
export const TOUCH_INTERVAL_MS = 60_000;

function sha256(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

function toInfo(row: Row): TokenInfo {
  return {
    id: String(row.id),
    name: String(row.name),
    role: row.role as Role,
    createdAt: iso(row.created_at),
    lastUsedAt: isoOrNull(row.last_used_at),
    revokedAt: isoOrNull(row.revoked_at),
  };
}

/** The secret of token `id`; `random` (32 bytes) is injectable for tests. */
export function newSecret(id: string, random: Buffer = randomBytes(32)): string {
  return `oo_${id}_${random.toString('base64url')}`;
}

/**
 * Whether `secret` has the shape of a minted one. It never refuses a minted secret; one it accepts
 * may still be unknown, revoked or forged, which only `findTokenBySecret` can tell.
 */
export function isTokenSecret(secret: string): boolean {
  return SECRET.test(secret);
}

/** Creates a token; the returned secret is the only copy there will ever be. */
export async function createToken(
  db: Db,
  input: { name: string; role: Role },
  now: () => Date,
): Promise<CreatedToken> {
  const createdAt = now();
  const id = newId('tok', createdAt.getTime());
  const secret = newSecret(id);
  const [row] = await db.query(
    `INSERT INTO api_tokens (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${COLUMNS}`,
    [id, input.name, input.role, sha256(secret).toString('hex'), createdAt],
  );
  return { token: toInfo(row!), secret };
}

/** The live token this secret belongs to; undefined for an unknown, malformed or revoked one. */
export async function findTokenBySecret(db: Db, secret: string): Promise<TokenInfo | undefined> {
  const id = SECRET.exec(secret)?.[1];
  if (!id) return undefined;
  const [row] = await db.query(`SELECT ${COLUMNS}, hash FROM api_tokens WHERE id = $1`, [id]);
  if (!row || row.revoked_at !== null) return undefined;
  const stored = Buffer.from(String(row.hash), 'hex');
  const given = sha256(secret);
  return stored.length === given.length && timingSafeEqual(stored, given) ? toInfo(row) : undefined;
}

/** Revokes it for good; resolves false when there is no such live token. */
export async function revokeToken(db: Db, id: string, now: () => Date): Promise<boolean> {
  const rows = await db.query(
    'UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
    [id, now()],
  );
  return rows.length > 0;
}

/** Notes a use (for "last used"), writing only when the last note is older than TOUCH_INTERVAL_MS. */
export async function touchToken(db: Db, id: string, now: () => Date): Promise<void> {
  const at = now();
  await db.query(
    `UPDATE api_tokens SET last_used_at = $2
     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)`,
    [id, at, timeParam(new Date(at.getTime() - TOUCH_INTERVAL_MS))],
  );
}

/** Every token, newest first, revoked ones included (their ids appear in the audit trail). */
export async function listTokens(db: Db): Promise<TokenInfo[]> {
  const rows = await db.query(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at DESC, id DESC`);
  return rows.map(toInfo);
}
