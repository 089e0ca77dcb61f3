import type { Policy } from '@oo/contracts';
import { POLICY_CHANGE_ACTION, SEED_AUTHOR, samplePolicy } from '@oo/read-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayBed, startGatewayBed, type Who } from './fixtures/gateway-bed.js';
import { call } from './fixtures/http.js';

let bed: GatewayBed;
beforeAll(async () => {
  bed = await startGatewayBed();
});
afterAll(async () => {
  await bed?.stop();
});

const get = (who: Who, url = '/v1/policy') => call(bed.listening, 'GET', url, { headers: bed.auth(who) });
const put = (who: Who, json: unknown, headers: Record<string, string> = {}) =>
  call(bed.listening, 'PUT', '/v1/policy', { headers: { ...bed.auth(who), ...headers }, json });

const withCpuMax = (max: number): Policy => ({
  ...samplePolicy,
  bounds: { ...samplePolicy.bounds, cpu: { min: 1, max } },
});

async function currentVersion(): Promise<number> {
  return (await bed.readModel.getPolicy()).version;
}

describe('gateway - policy', () => {
  it('answers the seeded policy with its version as the ETag, over a real socket', async () => {
    const res = await fetch(`${bed.url}/v1/policy`, { headers: bed.auth('adam') });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(await res.json()).toEqual({
      version: 1,
      policy: samplePolicy,
      updatedBy: SEED_AUTHOR,
      updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  });

  it('stores a PUT as the next version and answers it with its ETag', async () => {
    const before = await currentVersion();
    const res = await put('adam', withCpuMax(8));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: before + 1, updatedBy: 'adam', policy: withCpuMax(8) });
    expect(res.headers.etag).toBe(`"${before + 1}"`);
    const read = await get('adam');
    expect(read.body.version).toBe(before + 1);
    expect(read.body.policy.bounds.cpu).toEqual({ min: 1, max: 8 });
    expect(read.headers.etag).toBe(`"${before + 1}"`);
  });

  it('replaces the version If-Match names, over a real socket', async () => {
    const read = await fetch(`${bed.url}/v1/policy`, { headers: bed.auth('adam') });
    const etag = read.headers.get('etag')!;
    const res = await fetch(`${bed.url}/v1/policy`, {
      method: 'PUT',
      headers: { ...bed.auth('adam'), 'content-type': 'application/json', 'if-match': etag },
      body: JSON.stringify(withCpuMax(12)),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: number };
    expect(`"${body.version - 1}"`).toBe(etag);
  });

  it('refuses a PUT whose If-Match is stale with 412, and keeps the policy', async () => {
    const before = await bed.readModel.getPolicy();
    const res = await put('adam', withCpuMax(2), { 'if-match': `"${before.version - 1}"` });
    expect(res.status).toBe(412);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'OO_ERR_POLICY_CONFLICT',
      status: 412,
      currentVersion: before.version,
      expectedVersion: before.version - 1,
    });
    expect(await bed.readModel.getPolicy()).toEqual(before);
  });

  it('takes If-Match: * as any version, and refuses an If-Match that is no ETag of ours with 400', async () => {
    const before = await currentVersion();
    expect((await put('adam', withCpuMax(16), { 'if-match': '*' })).status).toBe(200);
    const bad = await put('adam', withCpuMax(16), { 'if-match': `W/"${before + 1}"` });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('OO_ERR_HTTP_BAD_REQUEST');
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['header.if-match']);
    expect(await currentVersion()).toBe(before + 1);
  });

  it('refuses a policy breaking its schema with 422 naming each field, and keeps the stored one', async () => {
    const before = await bed.readModel.getPolicy();
    const res = await put('adam', {
      ...samplePolicy,
      bounds: { ...samplePolicy.bounds, cpu: { min: 0, max: 4 } },
      images: [{ name: 'rhel9', family: 'plan9' }],
      surprise: true,
    });
    expect(res.status).toBe(422);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('OO_ERR_POLICY_INVALID');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'bounds.cpu.min',
      'images.0.family',
      'surprise',
    ]);
    expect(await bed.readModel.getPolicy()).toEqual(before);
  });

  it('refuses a policy whose references or addresses are wrong with 422 naming each field', async () => {
    const before = await bed.readModel.getPolicy();
    const unknownCluster = await put('adam', {
      ...samplePolicy,
      matrix: [{ cluster: 'nowhere', datastore: 'ds-fast', allowed: true }],
    });
    expect(unknownCluster.status).toBe(422);
    expect(unknownCluster.body.errors).toEqual([
      { path: 'matrix.0.cluster', message: 'unknown cluster "nowhere"' },
    ]);
    const networks = samplePolicy.networks.map((n, i) => (i === 1 ? { ...n, gateway: '10.99.0.1' } : n));
    const outside = await put('adam', { ...samplePolicy, networks });
    expect(outside.status).toBe(422);
    expect(outside.body).toMatchObject({
      code: 'OO_ERR_POLICY_INVALID',
      errors: [{ path: 'networks.1.gateway', message: '10.99.0.1 is not inside 10.20.0.0/24' }],
    });
    expect(await bed.readModel.getPolicy()).toEqual(before);
  });

  it('writes each change to the audit trail with the admin, token and trace of the call', async () => {
    const res = await put('adam', withCpuMax(10));
    const page = await bed.readModel.listAudit({ action: POLICY_CHANGE_ACTION, principal: 'adam' });
    expect(page.items[0]).toMatchObject({
      principal: 'adam',
      target: 'policy',
      at: res.body.updatedAt,
      traceId: res.headers['oo-trace-id'],
      details: {
        version: res.body.version,
        previousVersion: res.body.version - 1,
        tokenId: bed.principals.adam.tokenId,
      },
    });
  });

  it('lists the versions newest first with who set each and when, a page at a time', async () => {
    const current = await currentVersion();
    const first = await get('adam', '/v1/policy/history?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((v: { version: number }) => v.version)).toEqual([current, current - 1]);
    expect(first.body.items[0]).toMatchObject({ updatedBy: 'adam', policy: withCpuMax(10) });
    expect(first.body.nextBefore).toBe(current - 1);
    const rest = await get('adam', `/v1/policy/history?limit=100&before=${first.body.nextBefore}`);
    const versions = rest.body.items.map((v: { version: number }) => v.version);
    expect(versions).toEqual([...versions].sort((a, b) => b - a));
    expect(versions.at(-1)).toBe(1);
    expect(rest.body.items.at(-1).updatedBy).toBe(SEED_AUTHOR);
    expect(rest.body.nextBefore).toBeNull();
    const bad = await get('adam', '/v1/policy/history?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.limit']);
  });

  it('refuses requesters and operators with 403, whatever the body', async () => {
    const before = await bed.readModel.getPolicy();
    for (const who of ['alice', 'olga'] as const) {
      for (const res of [
        await get(who),
        await get(who, '/v1/policy/history'),
        await put(who, withCpuMax(1)),
        await put(who, { not: 'a policy' }),
      ]) {
        expect(res.status, who).toBe(403);
        expect(res.body.code).toBe('OO_ERR_AUTH_FORBIDDEN');
      }
    }
    expect(await bed.readModel.getPolicy()).toEqual(before);
  });

  it('refuses a call without a token with 401', async () => {
    for (const [method, url] of [
      ['GET', '/v1/policy'],
      ['GET', '/v1/policy/history'],
      ['PUT', '/v1/policy'],
    ] as const) {
      const res = await call(bed.listening, method, url, {
        json: method === 'PUT' ? samplePolicy : undefined,
      });
      expect(res.status, `${method} ${url}`).toBe(401);
      expect(res.body.code).toBe('OO_ERR_AUTH_MISSING');
    }
  });

  it('documents the policy routes in the OpenAPI document', async () => {
    const doc = (await call(bed.listening, 'GET', '/openapi.json')).body;
    const replace = doc.paths['/v1/policy'].put;
    expect(replace.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/PolicyInput',
    });
    expect(replace.parameters).toContainEqual(expect.objectContaining({ in: 'header', name: 'if-match' }));
    expect(Object.keys(replace.responses)).toEqual(expect.arrayContaining(['200', '412', '422', '403']));
    expect(doc.paths['/v1/policy'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/PolicyRecord',
    });
    expect(Object.keys(doc.paths['/v1/policy/history'].get.responses)).toContain('200');
  });
});
