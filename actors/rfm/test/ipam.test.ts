import type { OoError } from '@oo/contracts';
import { samplePolicy, usableRange } from '@oo/read-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addressesOf,
  allocateAddress,
  handlerRegistry,
  releaseRequest,
  resolveRequest,
} from '../src/index.js';
import { usableCount } from '../src/ip-range.js';
import { databases, type TestDb } from './fixtures/databases.js';
import { requestFile } from './fixtures/requests.js';

const dmz = samplePolicy.networks.find((n) => n.name === 'DMZ')!;
const dev = samplePolicy.networks.find((n) => n.name === 'INTRANET_DEV')!;
const deps = (db: TestDb['db']) => ({ db, handlers: handlerRegistry(), namePattern: '{env}-{os}-{seq:4}' });

describe.each(databases)('ipam ($kind)', (database) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await database.open();
  });
  afterAll(async () => {
    await t?.release();
  });

  it('gives the lowest address that is not the gateway, a DNS server or reserved', async () => {
    const first = await allocateAddress(t.db, dev, { requestId: 'req_low', index: 0, ordinal: 0 });
    // .1 gateway, .2-.3 DNS, .4-.9 reserved
    expect(first).toMatchObject({ ip: '10.10.0.10', prefixLength: 24, gateway: '10.10.0.1', vlan: 110 });
    const second = await allocateAddress(t.db, dev, { requestId: 'req_low', index: 0, ordinal: 1 });
    expect(second.ip).toBe('10.10.0.11');
  });

  it('gives a redelivered allocation the same address', async () => {
    const key = { requestId: 'req_again', index: 0, ordinal: 0 };
    const once = await allocateAddress(t.db, dev, key);
    expect(await allocateAddress(t.db, dev, key)).toEqual(once);
  });

  it('hands a released address out again, lowest first', async () => {
    const key = { requestId: 'req_gone', index: 0, ordinal: 0 };
    const held = await allocateAddress(t.db, dev, key);
    await releaseRequest(t.db, 'req_gone');
    expect(await addressesOf(t.db, 'req_gone')).toEqual([]);
    expect((await allocateAddress(t.db, dev, { requestId: 'req_next', index: 0, ordinal: 0 })).ip).toBe(
      held.ip,
    );
  });

  it('gives each usable address of a /26 at most once to 100 concurrent requests, rejects the rest as exhausted, and leaks nothing', async () => {
    const usable = usableCount(usableRange(dmz));
    expect(usable).toBe(57); // 62 hosts - gateway - 1 DNS - 3 reserved
    const files = Array.from({ length: 100 }, () =>
      requestFile({
        resources: [
          {
            type: 'virtual_machine',
            os: 'ubuntu24',
            network: 'DMZ',
            cpu: 1,
            memoryGb: 2,
            disks: [{ sizeGb: 20 }],
          },
        ],
      }),
    );
    const results = await Promise.allSettled(files.map((f) => resolveRequest(deps(t.db), samplePolicy, f)));
    const ips = results.flatMap((r) =>
      r.status === 'fulfilled'
        ? r.value.flatMap((g) => g.resources.map((x) => (x.kind === 'virtual_machine' ? x.network.ip : '')))
        : [],
    );
    expect(new Set(ips).size).toBe(ips.length);
    expect(ips.length).toBe(usable);
    const rejected = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ err: r.reason as OoError, file: files[i]! }] : [],
    );
    expect(rejected.length).toBe(100 - usable);
    for (const { err, file } of rejected) {
      expect(err.code).toBe('OO_ERR_RFM_REJECTED');
      expect(err.details?.reasons).toEqual([
        { path: 'resources.0.network', message: 'network DMZ exhausted' },
      ]);
      expect(await addressesOf(t.db, file.requestId)).toEqual([]);
    }
    const held = await t.db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM rfm_ip_allocations WHERE network = 'DMZ'",
    );
    expect(Number(held[0]!.n)).toBe(usable);
    const names = await t.db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM rfm_names WHERE name LIKE 'dmz-ubuntu24-%'",
    );
    expect(Number(names[0]!.n)).toBe(usable);
  });

  it('gives back the first address of a batch whose second cannot be had', async () => {
    // The DMZ is full after the test above: free one address, then ask for two VMs.
    const [holder] = await t.db.query<{ request_id: string }>(
      "SELECT request_id FROM rfm_ip_allocations WHERE network = 'DMZ' ORDER BY address DESC LIMIT 1",
    );
    await releaseRequest(t.db, holder!.request_id);
    const batch = requestFile({
      resources: [
        {
          type: 'virtual_machine',
          os: 'ubuntu24',
          network: 'DMZ',
          cpu: 1,
          memoryGb: 2,
          disks: [{ sizeGb: 20 }],
          count: 2,
        },
      ],
    });
    const err = (await resolveRequest(deps(t.db), samplePolicy, batch).catch((e) => e)) as OoError;
    expect(err.details?.reasons).toEqual([{ path: 'resources.0.network', message: 'network DMZ exhausted' }]);
    expect(await addressesOf(t.db, batch.requestId)).toEqual([]);
    const single = requestFile({
      resources: [
        {
          type: 'virtual_machine',
          os: 'ubuntu24',
          network: 'DMZ',
          cpu: 1,
          memoryGb: 2,
          disks: [{ sizeGb: 20 }],
        },
      ],
    });
    const [group] = await resolveRequest(deps(t.db), samplePolicy, single);
    expect(group!.resources).toHaveLength(1);
  });
});
