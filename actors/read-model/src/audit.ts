/**
 * The audit trail: who did what to what, when. The gateway records what people do through it (token
 * and policy changes, reruns, cancels); the ledger records what the event stream tells (submissions).
 * Rows are unique on their natural key (action, target, principal, at), so recording the same act
 * again, as a replayed event does, leaves one row.
 */
import { z } from 'zod';
import { Cursor, encodeCursor } from './cursor.js';
import { binder, type Db, iso, json, num, type Row, timeParam } from './db.js';
import type { AuditEntry, AuditPage } from './views.js';

export interface AuditInput {
  readonly principal: string;
  readonly action: string;
  readonly target: string;
  readonly details?: Record<string, unknown>;
  readonly traceId?: string;
  /** When it happened; now when absent. Part of the natural key. */
  readonly at?: string | Date;
}

/** Resolves true when recorded, false when this very act was on record already. */
export async function recordAudit(db: Db, entry: AuditInput, now: () => Date): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO audit (at, principal, action, target, details, trace_id)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6)
     ON CONFLICT ON CONSTRAINT audit_natural_key DO NOTHING
     RETURNING id`,
    [
      timeParam(entry.at ?? now()),
      entry.principal,
      entry.action,
      entry.target,
      json(entry.details),
      entry.traceId ?? null,
    ],
  );
  return rows.length > 0;
}

/**
 * Records several acts in one statement (the gateway's group commit under load); an act already on
 * record is skipped as in `recordAudit`. Resolves once all are stored.
 */
export async function recordAudits(db: Db, entries: readonly AuditInput[], now: () => Date): Promise<void> {
  if (entries.length === 0) return;
  const b = binder();
  const rows = entries.map(
    (e) =>
      `(${b.bind(timeParam(e.at ?? now()))}, ${b.bind(e.principal)}, ${b.bind(e.action)}, ${b.bind(e.target)}, ` +
      `${b.bind(json(e.details))}::jsonb, ${b.bind(e.traceId ?? null)})`,
  );
  await db.query(
    `INSERT INTO audit (at, principal, action, target, details, trace_id)
     VALUES ${rows.join(', ')}
     ON CONFLICT ON CONSTRAINT audit_natural_key DO NOTHING`,
    b.values,
  );
}

export const AuditQuery = z.object({
  target: z.string().min(1).optional(),
  principal: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  // Audit ids are numbers; a cursor naming anything else was not made here.
  cursor: Cursor.refine((c) => /^\d{1,15}$/.test(c.id), 'is not a cursor this API returned').optional(),
});
export type AuditQuery = z.input<typeof AuditQuery>;

function toEntry(row: Row): AuditEntry {
  return {
    id: num(row.id),
    at: iso(row.at),
    principal: String(row.principal),
    action: String(row.action),
    target: String(row.target),
    details: (row.details as Record<string, unknown> | null) ?? null,
    traceId: (row.trace_id as string | null) ?? null,
  };
}

/** Newest first. Throws a ZodError naming the field for an invalid query (e.g. a forged cursor). */
export async function listAudit(db: Db, query: AuditQuery): Promise<AuditPage> {
  const q = AuditQuery.parse(query);
  const where: string[] = [];
  const { values, bind } = binder();
  if (q.target) where.push(`target = ${bind(q.target)}`);
  if (q.principal) where.push(`principal = ${bind(q.principal)}`);
  if (q.action) where.push(`action = ${bind(q.action)}`);
  // Ids follow insertion, not time (the ledger records late after downtime): the key is (at, id).
  if (q.cursor) where.push(`(at, id) < (${bind(timeParam(q.cursor.at))}, ${bind(Number(q.cursor.id))})`);
  const rows = await db.query(
    `SELECT id, at, principal, action, target, details, trace_id FROM audit
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY at DESC, id DESC LIMIT ${bind(q.limit + 1)}`,
    values,
  );
  const items = rows.slice(0, q.limit).map(toEntry);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > q.limit && last ? encodeCursor({ at: last.at, id: String(last.id) }) : null,
  };
}
