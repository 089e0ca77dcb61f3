/**
 * Empties the tables the ledger rebuilds from the event stream, in one statement. Truncating
 * rather than dropping keeps the migrations the only place the schema is written; the tables the
 * stream cannot rebuild (api_tokens, idempotency, audit) are left alone — audit rows derived from
 * events are recorded again under their natural key, so a replay does not double them.
 */
import type { Db } from './db.js';

/**
 * In the order every fold locks them (`events` first, see fold.ts): TRUNCATE locks in list order,
 * so taking them in the same order as a live ledger's transactions cannot deadlock with them.
 */
export const PROJECTED_TABLES = ['events', 'requests', 'runs', 'tasks', 'commits'] as const;

export async function resetProjections(db: Db): Promise<void> {
  await db.exec(`TRUNCATE ${PROJECTED_TABLES.join(', ')}`);
}
