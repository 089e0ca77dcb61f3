import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshName } from '@oo/test-harness';
import { afterAll, describe, expect, it } from 'vitest';
import { openReadModel, samplePolicy } from '../src/index.js';
import { loadMigrations } from '../src/migrate.js';
import { adminQuery, dropSchema, PG_URL, silentLog } from './fixtures/databases.js';

const shipped = loadMigrations().map((m) => m.version);

describe('read model migrations (postgres)', () => {
  const schemas: string[] = [];
  const fresh = () => {
    const schema = freshName('m_');
    schemas.push(schema);
    return schema;
  };
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  async function applied(schema: string): Promise<number[]> {
    const rows = await adminQuery<{ version: number }>(
      `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
    );
    return rows.map((r) => r.version);
  }

  it('creates the schema and applies every migration once', async () => {
    const schema = fresh();
    const readModel = await openReadModel({ databaseUrl: PG_URL, schema, log: silentLog });
    await readModel.close();
    expect(await applied(schema)).toEqual(shipped);
    const tables = await adminQuery<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'api_tokens',
      'audit',
      'commits',
      'events',
      'idempotency',
      'requests',
      'rfm_policy',
      'rfm_policy_history',
      'runs',
      'schema_migrations',
      'tasks',
    ]);
  });

  it('keeps the policy of a database where RFM created the policy tables before they moved here', async () => {
    const schema = fresh();
    // What actors/rfm/migrations/001_rfm.sql used to create, with an admin's version 3 in it.
    await adminQuery(`CREATE SCHEMA "${schema}"`);
    await adminQuery(`CREATE TABLE "${schema}".rfm_policy (
      id smallint PRIMARY KEY CHECK (id = 1), version integer NOT NULL, policy jsonb NOT NULL,
      updated_by text NOT NULL, updated_at timestamptz NOT NULL)`);
    await adminQuery(`CREATE TABLE "${schema}".rfm_policy_history (
      version integer PRIMARY KEY, policy jsonb NOT NULL, changed_by text NOT NULL,
      changed_at timestamptz NOT NULL)`);
    const stored = { ...samplePolicy, clusters: [...samplePolicy.clusters, 'cluster-z'] };
    await adminQuery(
      `INSERT INTO "${schema}".rfm_policy VALUES (1, 3, $1, 'admin-old', '2025-01-01T00:00:00Z')`,
      [JSON.stringify(stored)],
    );
    const readModel = await openReadModel({ databaseUrl: PG_URL, schema, log: silentLog });
    try {
      expect(await applied(schema)).toEqual(shipped);
      expect(await readModel.getPolicy()).toMatchObject({
        version: 3,
        updatedBy: 'admin-old',
        policy: stored,
      });
    } finally {
      await readModel.close();
    }
  });

  it('applies nothing when opened again, and keeps the data', async () => {
    const schema = fresh();
    const first = await openReadModel({ databaseUrl: PG_URL, schema, log: silentLog });
    await first.recordAudit({ principal: 'p', action: 'a', target: 't' });
    const before = await adminQuery(`SELECT version, applied_at FROM "${schema}".schema_migrations`);
    await first.close();
    const second = await openReadModel({ databaseUrl: PG_URL, schema, log: silentLog });
    expect((await second.listAudit({})).items).toHaveLength(1);
    await second.close();
    expect(await adminQuery(`SELECT version, applied_at FROM "${schema}".schema_migrations`)).toEqual(before);
  });

  it('lets several pools open a fresh schema at once, as processes would, each migration applied once', async () => {
    const schema = fresh();
    const opened = await Promise.all(
      Array.from({ length: 4 }, () =>
        openReadModel({ databaseUrl: PG_URL, schema, log: silentLog, poolSize: 1 }),
      ),
    );
    await Promise.all(opened.map((readModel) => readModel.close()));
    expect(await applied(schema)).toEqual(shipped);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(
      openReadModel({ databaseUrl: PG_URL, schema: 'x"; DROP TABLE y; --', log: silentLog }),
    ).rejects.toThrow(/schema/);
  });
});

describe('read model migrations (pglite)', () => {
  it('keeps its data under <dataDir>/pglite and migrates it only once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'oo-read-model-'));
    try {
      const first = await openReadModel({ dataDir, log: silentLog });
      await first.recordAudit({ principal: 'p', action: 'a', target: 't' });
      await first.close();
      const second = await openReadModel({ dataDir, log: silentLog });
      expect((await second.listAudit({})).items).toHaveLength(1);
      const rows = await second.db.query<{ version: number }>('SELECT version FROM schema_migrations');
      expect(rows.map((r) => r.version)).toEqual(shipped);
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
