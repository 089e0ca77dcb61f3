import { createHash } from 'node:crypto';
import { ObjectStoreNames, type OutputRef } from '@oo/contracts';
import { freshName } from '@oo/test-harness';
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

const get = (who: Who, url: string) => call(bed.listening, 'GET', url, { headers: bed.auth(who) });

describe('gateway - reading a request', () => {
  it('shows requesters their own request with its runs', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    await bed.fold({
      runId: request.runId!,
      template: 'vm-unmanaged',
      version: 1,
      status: 'running',
      requestId: request.requestId,
      at: new Date().toISOString(),
    });
    const res = await get('alice', `/v1/requests/${request.requestId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      requestId: request.requestId,
      traceId: request.traceId,
      status: 'running',
      submittedBy: 'alice',
      runs: [expect.objectContaining({ runId: request.runId, status: 'running' })],
    });
  });

  it('links the request’s events and logs, and no trace where no trace viewer is configured', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    const res = await get('alice', `/v1/requests/${request.requestId}`);
    const self = `/v1/requests/${request.requestId}`;
    expect(res.body.links).toEqual({ self, events: `${self}/events`, logs: `${self}/logs` });
  });

  it('refuses a requester reading another user’s request with 403', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    const res = await get('bob', `/v1/requests/${request.requestId}`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('OO_ERR_AUTH_FORBIDDEN');
  });

  it('lets operators and admins read anyone’s request', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    expect((await get('olga', `/v1/requests/${request.requestId}`)).status).toBe(200);
    expect((await get('adam', `/v1/requests/${request.requestId}`)).status).toBe(200);
  });

  it('answers 404 for an unknown request', async () => {
    const res = await get('olga', '/v1/requests/req_00000000000000000000000000');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'OO_ERR_REQUEST_NOT_FOUND', status: 404 });
  });
});

describe('gateway - a request’s large output', () => {
  /** A run output kept in the outputs store, as the engine leaves it, and its reference. */
  async function storedOutput(value: unknown): Promise<OutputRef> {
    const name = `${freshName('run_')}/output`;
    const data = new TextEncoder().encode(JSON.stringify(value));
    const store = await bed.client.nats.objm.open(ObjectStoreNames.outputs);
    await store.putBlob({ name }, data);
    return {
      $ref: 'outputs',
      name,
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    };
  }

  async function succeededWith(output: unknown) {
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    await bed.fold({ ...request, status: 'succeeded', output, at: new Date().toISOString() });
    return request.requestId;
  }

  it('answers with the value behind a run output kept in the object store', async () => {
    const value = { name: 'dev-rhel9-0001', stdout: 'x'.repeat(300_000) };
    const requestId = await succeededWith(await storedOutput(value));
    const res = await get('alice', `/v1/requests/${requestId}`);
    expect(res.status).toBe(200);
    expect(res.body.outputs).toEqual(value);
  });

  it('answers with the reference itself once its object is gone', async () => {
    const ref = await storedOutput({ gone: true });
    await (await bed.client.nats.objm.open(ObjectStoreNames.outputs)).delete(ref.name);
    const requestId = await succeededWith(ref);
    const res = await get('alice', `/v1/requests/${requestId}`);
    expect(res.status).toBe(200);
    expect(res.body.outputs).toEqual(ref);
  });
});

describe('gateway - listing requests', () => {
  it('lists newest first, a page at a time', async () => {
    const first = await bed.knownRequest({ by: 'adam', status: 'accepted' });
    const second = await bed.knownRequest({ by: 'adam', status: 'accepted' });
    const page = await get('adam', '/v1/requests?mine=true&limit=1');
    expect(page.status).toBe(200);
    expect(page.body.items.map((r: { requestId: string }) => r.requestId)).toEqual([second.requestId]);
    const next = await get('adam', `/v1/requests?mine=true&limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body.items.map((r: { requestId: string }) => r.requestId)).toEqual([first.requestId]);
  });

  it('shows requesters only their own requests, whatever they ask', async () => {
    await bed.knownRequest({ by: 'alice', status: 'running' });
    await bed.knownRequest({ by: 'bob', status: 'running' });
    const res = await get('bob', '/v1/requests?mine=false&limit=100');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(new Set(res.body.items.map((r: { submittedBy: string }) => r.submittedBy))).toEqual(
      new Set(['bob']),
    );
  });

  it('shows operators everyone’s requests, filtered by status', async () => {
    await bed.knownRequest({ by: 'alice', status: 'failed' });
    await bed.knownRequest({ by: 'bob', status: 'failed' });
    const res = await get('olga', '/v1/requests?status=failed&limit=100');
    const who = new Set(res.body.items.map((r: { submittedBy: string }) => r.submittedBy));
    expect(who).toEqual(new Set(['alice', 'bob']));
    expect(res.body.items.every((r: { status: string }) => r.status === 'failed')).toBe(true);
  });

  it('answers 400 naming the parameter for a bad limit, status or cursor', async () => {
    for (const [query, path] of [
      ['limit=0', 'query.limit'],
      ['limit=lots', 'query.limit'],
      ['status=sleeping', 'query.status'],
      ['cursor=forged', 'query.cursor'],
    ]) {
      const res = await get('olga', `/v1/requests?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
  });
});

describe('gateway - hostile request ids', () => {
  it('answers 400 with the rule for an id with control characters or path traversal', async () => {
    for (const id of ['req%00x', '..%2F..%2Fetc%2Fpasswd', 'req_1%0d%0aSet-Cookie:x', '%E2%80%AE']) {
      const res = await get('olga', `/v1/requests/${id}`);
      expect(res.status, id).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'path.id', message: expect.stringContaining('request id') }]);
    }
  });

  it('answers 400 for a very long id, never echoing it whole', async () => {
    const long = await get('olga', `/v1/requests/${'a'.repeat(300)}`);
    expect(long.status).toBe(400);
    expect(long.body.errors).toContainEqual({ path: 'path.id', message: 'must be at most 128 characters' });
    expect(long.text.length).toBeLessThan(1_000);
    const absurd = await get('olga', `/v1/requests/${'a'.repeat(100_000)}`);
    expect(absurd.status).toBe(400);
    expect(absurd.body.detail).toBe('a path segment is longer than 512 characters');
    expect(absurd.text.length).toBeLessThan(1_000);
  });

  it('answers 404 to a path that climbs out of /v1, over a real socket', async () => {
    const { request } = await import('node:http');
    const { hostname, port } = new URL(bed.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { hostname, port, path: '/v1/requests/../../etc/passwd', headers: bed.auth('olga') },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });

  it('answers 400 to a badly percent-encoded path', async () => {
    const res = await get('olga', '/v1/requests/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(/percent-encoded/);
  });
});

describe('gateway - a request’s trace link', () => {
  let traced: GatewayBed;
  beforeAll(async () => {
    traced = await startGatewayBed({ traceUrl: 'http://jaeger.example:16686/trace/{traceId}?uiEmbed=v0' });
  });
  afterAll(async () => {
    await traced?.stop();
  });

  it('links the trace where gateway.traceUrl says it is shown', async () => {
    const request = await traced.knownRequest({ by: 'alice', status: 'running' });
    const res = await call(traced.listening, 'GET', `/v1/requests/${request.requestId}`, {
      headers: traced.auth('alice'),
    });
    expect(res.body.links.trace).toBe(`http://jaeger.example:16686/trace/${request.traceId}?uiEmbed=v0`);
  });
});
