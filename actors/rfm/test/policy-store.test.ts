import { OoError } from '@oo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPolicy, policyHistory, putPolicy, SEED_AUTHOR, samplePolicy } from '../src/index.js';
import { databases, type TestDb } from './fixtures/databases.js';

describe.each(databases)('policy store ($kind)', (database) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await database.open();
  });
  afterAll(async () => {
    await t?.release();
  });

  it('seeds the sample policy as version 1 when none is stored', async () => {
    const record = await getPolicy(t.db);
    expect(record).toMatchObject({ version: 1, updatedBy: SEED_AUTHOR, policy: samplePolicy });
    expect((await getPolicy(t.db)).version).toBe(1);
  });

  it('stores a new version and records who changed it and when', async () => {
    const edited = { ...samplePolicy, clusters: [...samplePolicy.clusters, 'cluster-c'] };
    const at = new Date('2025-06-01T10:00:00.000Z');
    const record = await putPolicy(t.db, edited, 'admin-bob', { now: () => at });
    expect(record).toMatchObject({ version: 2, updatedBy: 'admin-bob', updatedAt: at.toISOString() });
    expect((await getPolicy(t.db)).policy.clusters).toContain('cluster-c');
    const history = await policyHistory(t.db);
    expect(history.map((h) => [h.version, h.updatedBy])).toEqual([
      [2, 'admin-bob'],
      [1, SEED_AUTHOR],
    ]);
  });

  it('rejects a change based on an old version', async () => {
    const current = await getPolicy(t.db);
    const err = await putPolicy(t.db, samplePolicy, 'carol', { expectedVersion: current.version - 1 }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(OoError);
    expect(err).toMatchObject({
      code: 'OO_ERR_RFM_POLICY_CONFLICT',
      details: { currentVersion: current.version },
    });
  });

  it('rejects an invalid policy naming every field, and keeps the stored one', async () => {
    const before = await getPolicy(t.db);
    const broken = {
      ...samplePolicy,
      bounds: { ...samplePolicy.bounds, cpu: { min: 8, max: 2 } },
      matrix: [{ cluster: 'nowhere', datastore: 'ds-fast', allowed: true }],
    };
    const err = await putPolicy(t.db, broken, 'carol').catch((e) => e);
    expect(err).toMatchObject({ code: 'OO_ERR_RFM_POLICY_INVALID', retryable: false });
    const paths = (err as OoError).details?.reasons as { path: string }[];
    expect(paths.map((r) => r.path)).toEqual(expect.arrayContaining(['bounds.cpu.min', 'matrix.0.cluster']));
    expect((await getPolicy(t.db)).version).toBe(before.version);
  });

  it('rejects a gateway outside its network', async () => {
    const networks = samplePolicy.networks.map((n, i) => (i === 0 ? { ...n, gateway: '10.99.0.1' } : n));
    const err = await putPolicy(t.db, { ...samplePolicy, networks }, 'carol').catch((e) => e);
    expect((err as OoError).details?.reasons).toEqual([
      { path: 'networks.0.gateway', message: '10.99.0.1 is not inside 10.10.0.0/24' },
    ]);
  });
});
