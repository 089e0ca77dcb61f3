/**
 * RFM's migrations (`migrations/NNN_name.sql`), applied in one transaction under an advisory lock and
 * recorded in `rfm_schema_migrations` — a table of its own, so its versions never collide with the
 * read model's `schema_migrations` in the same database. Same rules as the read model's runner,
 * which is not exported (a `table` option there would let this file go).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Db } from '@oo/read-model';

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);

/** Applies what is pending; resolves with the versions applied. Safe to call from many processes at once. */
export async function migrateRfm(db: Db): Promise<number[]> {
  const migrations = readdirSync(MIGRATIONS_DIR)
    .flatMap((file) => {
      const match = FILE.exec(file);
      return match
        ? [{ version: Number(match[1]), sql: readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8') }]
        : [];
    })
    .sort((a, b) => a.version - b.version);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['oo.rfm.migrate']);
    await tx.exec(`CREATE TABLE IF NOT EXISTS rfm_schema_migrations (
      version    integer     PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM rfm_schema_migrations')).map((r) =>
        Number(r.version),
      ),
    );
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO rfm_schema_migrations (version) VALUES ($1)', [m.version]);
      applied.push(m.version);
    }
    return applied;
  });
}
