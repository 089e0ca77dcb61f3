import { OoError, type Policy } from '@oo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPolicy, POLICY_CHANGE_ACTION, type ReadModel, SEED_AUTHOR, samplePolicy } from '../src/index.js';
import { databases } from './fixtures/databases.js';

const withCluster = (name: string): Policy => ({
  ...samplePolicy,
  clusters: [...samplePolicy.clusters, name],
});

describe.each(databases)('policy store ($kind)', (database) => {
  let readModel: ReadModel;
  let release: () => Promise<void>;
  // One clock for the file: every change is stamped a minute after the one before.
  let clock = Date.parse('2025-06-01T10:00:00.000Z');
  const tick = () => {
    clock += 60_000;
    return new Date(clock);
  };
  beforeAll(async () => {
    ({ readModel, release } = await database.open({ now: () => new Date(clock) }));
  });
  afterAll(async () => {
    await release?.();
  });

  it('seeds the sample policy as version 1 when none is stored', async () => {
    const record = await readModel.getPolicy();
    expect(record).toMatchObject({ version: 1, updatedBy: SEED_AUTHOR, policy: samplePolicy });
    expect((await readModel.getPolicy()).version).toBe(1);
    // RFM reads the same row through the bare database.
    expect(await getPolicy(readModel.db)).toEqual(record);
  });

  it('stores a new version and records who changed it and when in the history', async () => {
    const at = tick();
    const record = await readModel.putPolicy(withCluster('cluster-c'), { by: 'admin-bob' });
    expect(record).toMatchObject({ version: 2, updatedBy: 'admin-bob', updatedAt: at.toISOString() });
    expect((await readModel.getPolicy()).policy.clusters).toContain('cluster-c');
    const history = await readModel.policyHistory();
    expect(history.items.map((h) => [h.version, h.updatedBy])).toEqual([
      [2, 'admin-bob'],
      [1, SEED_AUTHOR],
    ]);
    expect(history.nextBefore).toBeNull();
  });

  it('writes each change to the audit trail with the principal, token and trace', async () => {
    tick();
    const record = await readModel.putPolicy(withCluster('cluster-d'), {
      by: 'admin-ann',
      tokenId: 'tok_1',
      traceId: 'f'.repeat(32),
    });
    const page = await readModel.listAudit({ action: POLICY_CHANGE_ACTION, principal: 'admin-ann' });
    expect(page.items).toEqual([
      expect.objectContaining({
        principal: 'admin-ann',
        target: 'policy',
        at: record.updatedAt,
        traceId: 'f'.repeat(32),
        details: { version: record.version, previousVersion: record.version - 1, tokenId: 'tok_1' },
      }),
    ]);
  });

  it('keeps every change on record even when two arrive within one clock reading', async () => {
    const first = await readModel.putPolicy(withCluster('cluster-e'), { by: 'admin-cy' });
    const second = await readModel.putPolicy(withCluster('cluster-f'), { by: 'admin-cy' });
    expect(second.version).toBe(first.version + 1);
    expect(Date.parse(second.updatedAt)).toBeGreaterThan(Date.parse(first.updatedAt));
    const page = await readModel.listAudit({ action: POLICY_CHANGE_ACTION, principal: 'admin-cy' });
    expect(page.items.map((e) => e.details?.version)).toEqual([second.version, first.version]);
  });

  it('pages the history newest first', async () => {
    const current = await readModel.getPolicy();
    const first = await readModel.policyHistory({ limit: 2 });
    expect(first.items.map((h) => h.version)).toEqual([current.version, current.version - 1]);
    expect(first.nextBefore).toBe(current.version - 1);
    const rest = await readModel.policyHistory({ limit: 100, before: first.nextBefore! });
    expect(rest.items.map((h) => h.version)).toEqual(
      Array.from({ length: current.version - 2 }, (_, i) => current.version - 2 - i),
    );
    expect(rest.nextBefore).toBeNull();
  });

  it('refuses a history page before a version past what a version can be, naming the field', async () => {
    await expect(readModel.policyHistory({ before: 2 ** 31 })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ['before'] })],
    });
  });

  it('rejects a change based on an old version, and stores nothing', async () => {
    const current = await readModel.getPolicy();
    const err = await readModel
      .putPolicy(samplePolicy, { by: 'carol', expectedVersion: current.version - 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OoError);
    expect(err).toMatchObject({
      code: 'OO_ERR_POLICY_CONFLICT',
      retryable: false,
      details: { currentVersion: current.version, expectedVersion: current.version - 1 },
    });
    expect(await readModel.getPolicy()).toEqual(current);
    const ok = await readModel.putPolicy(samplePolicy, { by: 'carol', expectedVersion: current.version });
    expect(ok.version).toBe(current.version + 1);
  });

  it('rejects an invalid policy naming every field, and keeps the stored one', async () => {
    const before = await readModel.getPolicy();
    const broken = {
      ...samplePolicy,
      bounds: { ...samplePolicy.bounds, cpu: { min: 8, max: 2 } },
      matrix: [{ cluster: 'nowhere', datastore: 'ds-fast', allowed: true }],
    };
    const err = await readModel.putPolicy(broken, { by: 'carol' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OO_ERR_POLICY_INVALID', retryable: false });
    const reasons = (err as OoError).details?.reasons as { path: string }[];
    const paths = reasons.map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(['bounds.cpu.min', 'matrix.0.cluster']));
    expect(await readModel.getPolicy()).toEqual(before);
    expect(
      (await readModel.listAudit({ principal: 'carol', action: POLICY_CHANGE_ACTION })).items,
    ).toHaveLength(1);
  });

  it('rejects a gateway outside its network and a reserved range outside it', async () => {
    const networks = samplePolicy.networks.map((n, i) =>
      i === 0
        ? { ...n, gateway: '10.99.0.1' }
        : i === 2
          ? { ...n, reserved: [{ from: '10.0.0.1', to: '10.0.0.2' }] }
          : n,
    );
    const err = await readModel.putPolicy({ ...samplePolicy, networks }, { by: 'carol' }).catch((e) => e);
    expect((err as OoError).details?.reasons).toEqual([
      { path: 'networks.0.gateway', message: '10.99.0.1 is not inside 10.10.0.0/24' },
      { path: 'networks.2.reserved.0', message: '10.0.0.1-10.0.0.2 is not inside 192.168.50.0/26' },
    ]);
  });

  it('refuses a history query that is not one', async () => {
    await expect(readModel.policyHistory({ limit: 0 })).rejects.toThrow(/limit/);
  });
});
