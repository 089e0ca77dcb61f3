/**
 * Every row of the projected tables (and the audit trail), normalised and sorted: two snapshots are
 * equal exactly when the tables hold the same data. For checking a rebuild against the live tables.
 */
import type { Db, Row } from './db.js';
import { PROJECTED_TABLES } from './reset-projections.js';

export type Snapshot = Record<string, Row[]>;

function normalise(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Date) out[key] = value.toISOString();
    // `pg` returns int8 as text, PGlite as a number.
    else if (typeof value === 'bigint' || (key.endsWith('seq') && typeof value === 'string'))
      out[key] = Number(value);
    else out[key] = value;
  }
  return out;
}

export async function snapshotProjections(db: Db): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  // The audit id is a counter that differs between two rebuilds of the same history.
  const queries: Array<[string, string]> = [
    ...PROJECTED_TABLES.map((t): [string, string] => [t, `SELECT * FROM ${t}`]),
    ['audit', 'SELECT at, principal, action, target, details, trace_id FROM audit'],
  ];
  for (const [table, sql] of queries) {
    const rows = (await db.query(sql)).map(normalise);
    snapshot[table] = rows
      .map((row) => [JSON.stringify(row), row] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => row);
  }
  return snapshot;
}
