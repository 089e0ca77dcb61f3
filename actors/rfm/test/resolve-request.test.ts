import type { OoError, Policy } from '@oo/contracts';
import { samplePolicy } from '@oo/read-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerRegistry, resolveRequest } from '../src/index.js';
import { postgres, type TestDb } from './fixtures/databases.js';
import { requestFile, rhelOnDev } from './fixtures/requests.js';

let t: TestDb;
beforeAll(async () => {
  t = await postgres.open();
});
afterAll(async () => {
  await t?.release();
});
const deps = () => ({ db: t.db, handlers: handlerRegistry(), namePattern: '{env}-{os}-{seq:4}' });

describe('resolveRequest', () => {
  it("turns the seed's example into a complete VM in the common format", async () => {
    const file = requestFile({ resources: [{ ...rhelOnDev, lease: { days: 30 }, tags: { team: 'web' } }] });
    const [group] = await resolveRequest(deps(), samplePolicy, file);
    expect(group!.handler.type).toBe('virtual_machine');
    expect(group!.resources).toEqual([
      {
        formatVersion: 1,
        kind: 'virtual_machine',
        name: 'dev-rhel9-0001',
        requestId: file.requestId,
        traceId: file.traceId,
        requestedBy: 'alice',
        managed: false,
        os: { image: 'rhel9', family: 'linux' },
        cpu: 2,
        memoryMb: 8192,
        disks: [{ sizeGb: 100, datastore: 'ds-fast' }],
        network: {
          name: 'INTRANET_DEV',
          ip: '10.10.0.10',
          prefixLength: 24,
          gateway: '10.10.0.1',
          dns: ['10.10.0.2', '10.10.0.3'],
          vlan: 110,
        },
        placement: { cluster: 'cluster-a', datastore: 'ds-fast' },
        lease: { expiresAt: '2025-02-01T03:04:05.000Z' },
        tags: { team: 'web' },
        createdAt: '2025-01-02T03:04:05.000Z',
      },
    ]);
  });

  it('makes N resources of a batch, named in sequence', async () => {
    const file = requestFile({ resources: [{ ...rhelOnDev, os: 'windows2022', count: 3 }] });
    const [group] = await resolveRequest(deps(), samplePolicy, file);
    expect(group!.resources.map((r) => r.name)).toEqual([
      'dev-windows2022-0001',
      'dev-windows2022-0002',
      'dev-windows2022-0003',
    ]);
  });

  it('rejects with every reason of every resource, each naming its field', async () => {
    const file = requestFile({
      resources: [
        { ...rhelOnDev, os: 'solaris', cpu: 64, disks: [{ sizeGb: 100 }, { sizeGb: 5 }] },
        { ...rhelOnDev, network: 'MARS', memoryGb: 512 },
        { type: 'dns_record', zone: 'evil.example', name: 'web', recordType: 'A', value: 'not-an-ip' },
      ],
    });
    const err = (await resolveRequest(deps(), samplePolicy, file).catch((e) => e)) as OoError;
    expect(err).toMatchObject({ code: 'OO_ERR_RFM_REJECTED', retryable: false });
    const reasons = err.details?.reasons as { path: string; message: string }[];
    expect(reasons.map((r) => r.path)).toEqual([
      'resources.0.os',
      'resources.0.cpu',
      'resources.0.disks.1.sizeGb',
      'resources.1.network',
      'resources.1.memoryGb',
      'resources.2.zone',
      'resources.2.value',
    ]);
    expect(reasons[0]!.message).toContain('image "solaris" is not permitted');
  });

  it('rejects a host name another request holds', async () => {
    await resolveRequest(
      deps(),
      samplePolicy,
      requestFile({ resources: [{ ...rhelOnDev, hostname: 'web-a' }] }),
    );
    const err = (await resolveRequest(
      deps(),
      samplePolicy,
      requestFile({ resources: [{ ...rhelOnDev, hostname: 'web-a' }] }),
    ).catch((e) => e)) as OoError;
    expect(err.details?.reasons).toEqual([{ path: 'resources.0.hostname', message: 'name web-a is taken' }]);
  });

  it('makes a DNS record with its fully qualified name', async () => {
    const file = requestFile({
      resources: [
        { type: 'dns_record', zone: 'intranet.example', name: 'www', recordType: 'A', value: '10.10.0.10' },
      ],
    });
    const [group] = await resolveRequest(deps(), samplePolicy, file);
    expect(group!.resources[0]).toMatchObject({
      kind: 'dns_record',
      fqdn: 'www.intranet.example',
      ttl: 3600,
    });
  });
});

describe('placement', () => {
  const matrix: Policy['matrix'] = [
    { cluster: 'cluster-a', datastore: 'ds-fast', allowed: true, capacity: 1 },
    { cluster: 'cluster-a', datastore: 'ds-bulk', allowed: true, capacity: 1 },
    { cluster: 'cluster-b', datastore: 'ds-fast', allowed: false },
    { cluster: 'cluster-b', datastore: 'ds-bulk', allowed: true, capacity: 1 },
  ];

  it('uses allowed pairs only, fewest placed first, and rejects when none has capacity left', async () => {
    const fresh = await postgres.open();
    try {
      const policy = { ...samplePolicy, matrix };
      const file = requestFile({ resources: [{ ...rhelOnDev, count: 3 }] });
      const [group] = await resolveRequest({ ...deps(), db: fresh.db }, policy, file);
      expect(group!.resources.map((r) => (r.kind === 'virtual_machine' ? r.placement : undefined))).toEqual([
        { cluster: 'cluster-a', datastore: 'ds-fast' },
        { cluster: 'cluster-a', datastore: 'ds-bulk' },
        { cluster: 'cluster-b', datastore: 'ds-bulk' },
      ]);
      const err = (await resolveRequest(
        { ...deps(), db: fresh.db },
        policy,
        requestFile({ resources: [rhelOnDev] }),
      ).catch((e) => e)) as OoError;
      expect(err.details?.reasons).toEqual([
        { path: 'resources.0', message: 'no allowed cluster x datastore pair has capacity left' },
      ]);
    } finally {
      await fresh.release();
    }
  });

  it('rejects when the matrix allows no pair', async () => {
    const policy = { ...samplePolicy, matrix: matrix.map((p) => ({ ...p, allowed: false })) };
    const err = (await resolveRequest(deps(), policy, requestFile({ resources: [rhelOnDev] })).catch(
      (e) => e,
    )) as OoError;
    expect(err.details?.reasons).toEqual([
      { path: 'resources.0', message: 'the policy allows no cluster x datastore pair' },
    ]);
  });
});
