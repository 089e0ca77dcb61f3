/**
 * Folding one stream event into the projections, idempotently and in any order.
 *
 * - The event is appended to `events` under its stream sequence first; if that sequence is already
 *   there, the event was folded before and nothing else is touched (a redelivery, a second replay).
 * - A projected row keeps `last_seq`, the newest sequence folded into it. State columns (status,
 *   error, output, ...) take the incoming values only from a newer event, so a late event never
 *   moves a row backwards. Fact columns (template, input, body, ...) are the same in every event
 *   that carries them; an older event may still fill them in when they are empty, so folding a
 *   run's events in any order ends in the same row as folding them in stream order.
 */
import { type Db, json, timeParam } from './db.js';

export interface FoldedEvent {
  readonly seq: number;
  readonly subject: string;
  readonly requestId: string | undefined;
  readonly runId: string | undefined;
  readonly body: unknown;
  readonly at: string;
}

const storableParam = (value: unknown) =>
  typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value;

/**
 * `db` binding every string with its NULs replaced by U+FFFD: a text column cannot hold U+0000, and
 * an event carrying one must still be folded, its fact kept rather than dead-lettered. (A lone
 * surrogate needs nothing here: both drivers encode it as U+FFFD; in jsonb, json() sees to both.)
 */
function storableParams(db: Db): Db {
  return {
    ...db,
    query: (sql, params) => db.query(sql, params?.map(storableParam)),
    transaction: (fn) => db.transaction((tx) => fn(storableParams(tx))),
  };
}

/**
 * Appends the event and runs `project` in the same transaction; false when it was folded already.
 * The `events` row comes first, so every fold locks `events` before any projected table: the lock
 * order resetProjections follows too.
 */
export function foldEvent(db: Db, event: FoldedEvent, project: (tx: Db) => Promise<void>): Promise<boolean> {
  return db.transaction(async (open) => {
    const tx = storableParams(open);
    const appended = await tx.query(
      `INSERT INTO events (seq, subject, request_id, run_id, body, at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)
       ON CONFLICT (seq) DO NOTHING
       RETURNING seq`,
      [
        event.seq,
        event.subject,
        event.requestId ?? null,
        event.runId ?? null,
        json(event.body),
        timeParam(event.at),
      ],
    );
    if (appended.length === 0) return false;
    await project(tx);
    return true;
  });
}

export const newer = (table: string) => `excluded.last_seq > ${table}.last_seq`;

/**
 * SET clauses: state columns follow the newest event, or the event `takes` (SQL, true when the
 * incoming event wins) says (the column lists and the condition are constants, not input).
 */
export function latest(table: string, columns: readonly string[], takes = newer(table)): string {
  return columns
    .map((c) => `${c} = CASE WHEN ${takes} THEN excluded.${c} ELSE ${table}.${c} END`)
    .join(',\n  ');
}

/** SET clauses: fact columns keep a known value; the newest event wins only where it carries one. */
export function known(table: string, columns: readonly string[]): string {
  return columns
    .map(
      (c) =>
        `${c} = CASE WHEN ${newer(table)} THEN COALESCE(excluded.${c}, ${table}.${c}) ` +
        `ELSE COALESCE(${table}.${c}, excluded.${c}) END`,
    )
    .join(',\n  ');
}

/** SET clauses for the sequence bookkeeping every projected row has. */
export function sequences(table: string, withFirst = true): string {
  const last = `last_seq = GREATEST(${table}.last_seq, excluded.last_seq)`;
  return withFirst ? `first_seq = LEAST(${table}.first_seq, excluded.first_seq),\n  ${last}` : last;
}
