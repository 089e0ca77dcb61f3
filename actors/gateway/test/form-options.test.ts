import type { Policy } from '@oo/contracts';
import { samplePolicy } from '@oo/read-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayBed, startGatewayBed } from './fixtures/gateway-bed.js';
import { call } from './fixtures/http.js';

let bed: GatewayBed;
beforeAll(async () => {
  bed = await startGatewayBed();
});
afterAll(async () => {
  await bed?.stop();
});

const options = (headers: Record<string, string>) =>
  call(bed.listening, 'GET', '/v1/catalog/options', { headers });

describe('gateway - form options', () => {
  it('offers a requester the images, networks and bounds the policy permits', async () => {
    const res = await options(bed.auth('alice'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      policyVersion: (await bed.readModel.getPolicy()).version,
      resourceTypes: {
        virtual_machine: { managed: true, unmanaged: true },
        dns_record: { managed: false, unmanaged: true },
      },
      virtualMachine: {
        images: samplePolicy.images,
        networks: samplePolicy.networks.map(({ name, env }) => ({ name, env })),
        cpu: samplePolicy.bounds.cpu,
        memoryGb: samplePolicy.bounds.memoryGb,
        diskGb: samplePolicy.bounds.diskGb,
        disks: samplePolicy.bounds.disks,
      },
      dnsZones: samplePolicy.dnsZones,
      inventory: null,
    });
  });

  it('shows a requester no addresses, clusters or datastores', async () => {
    const text = JSON.stringify((await options(bed.auth('bob'))).body);
    for (const network of samplePolicy.networks) {
      expect(text).not.toContain(network.cidr);
      expect(text).not.toContain(network.gateway);
    }
    for (const name of [...samplePolicy.clusters, ...samplePolicy.datastores])
      expect(text).not.toContain(name);
  });

  it('follows a policy change at once', async () => {
    const narrower: Policy = {
      ...samplePolicy,
      images: [{ name: 'rhel9', family: 'linux' }],
      bounds: { ...samplePolicy.bounds, cpu: { min: 2, max: 4 } },
    };
    const stored = await call(bed.listening, 'PUT', '/v1/policy', {
      headers: bed.auth('adam'),
      json: narrower,
    });
    expect(stored.status).toBe(200);
    const res = await options(bed.auth('olga'));
    expect(res.body.policyVersion).toBe(stored.body.version);
    expect(res.body.virtualMachine.images).toEqual([{ name: 'rhel9', family: 'linux' }]);
    expect(res.body.virtualMachine.cpu).toEqual({ min: 2, max: 4 });
  });

  it('answers 401 without a token', async () => {
    const res = await options({});
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('OO_ERR_AUTH_MISSING');
  });

  it('offers the resource types requests are routed for, as the gateway was told', async () => {
    const narrow = await startGatewayBed({
      resourceTypes: { virtual_machine: { managed: false, unmanaged: true } },
    });
    try {
      const res = await call(narrow.listening, 'GET', '/v1/catalog/options', {
        headers: narrow.auth('alice'),
      });
      expect(res.body.resourceTypes).toEqual({ virtual_machine: { managed: false, unmanaged: true } });
    } finally {
      await narrow.stop();
    }
  });
});
