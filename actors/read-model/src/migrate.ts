/**
 * Versioned migrations: `migrations/NNN_name.sql`, applied in order at open and recorded in
 * `schema_migrations`. All pending ones run in one transaction under a transaction-scoped advisory
 * lock, so processes opening the same database at once apply each migration exactly once (the
 * others wait, then find nothing to do), and a failing migration leaves the schema as it was.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Db } from './db.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);

/** The migrations shipped with this package, in version order. */
export function loadMigrations(dir: URL = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .flatMap((file) => {
      const match = FILE.exec(file);
      if (!match) return [];
      return [{ version: Number(match[1]), name: match[2]!, sql: readFileSync(new URL(file, dir), 'utf8') }];
    })
    .sort((a, b) => a.version - b.version);
}

/** A schema name we may splice into DDL and search_path (identifiers cannot be bound parameters). */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates `schema` when given (and not there yet), then applies what is pending. Resolves with the
 * versions it applied (empty when the database was already current).
 */
export async function migrate(db: Db, migrations: readonly Migration[], schema?: string): Promise<number[]> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`schema "${schema}" must match ${SCHEMA_NAME}`);
  }
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`oo.read-model:${schema ?? 'public'}`]);
    if (schema !== undefined) await tx.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer     PRIMARY KEY,
      name       text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
