import { EXAMPLE_VM } from '@oo/contracts';
import type { ReadModel } from '@oo/read-model';
import { waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayBed, startGatewayBed, validBody } from './fixtures/gateway-bed.js';
import { call } from './fixtures/http.js';

let bed: GatewayBed;
beforeAll(async () => {
  bed = await startGatewayBed();
});
afterAll(async () => {
  await bed?.stop();
});

describe('gateway - authentication', () => {
  it('answers 401 with WWW-Authenticate to a call without a token', async () => {
    const res = await call(bed.listening, 'GET', '/v1/requests');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body).toMatchObject({ code: 'OO_ERR_AUTH_MISSING', status: 401 });
    expect(res.contentType).toMatch(/^application\/problem\+json/);
  });

  it('answers 401 to an unknown, malformed or revoked token', async () => {
    const revoked = await bed.readModel.createToken({ name: 'mallory', role: 'admin' });
    await bed.readModel.revokeToken(revoked.token.id);
    for (const authorization of [
      `Bearer ${bed.secrets.alice}x`,
      'Bearer not-a-token',
      `Basic ${bed.secrets.alice}`,
      `Bearer ${revoked.secret}`,
    ]) {
      const res = await call(bed.listening, 'GET', '/v1/requests', { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(res.body.code).toBe('OO_ERR_AUTH_INVALID');
    }
  });

  it('answers a malformed token 401 without a database lookup, and a freshly minted one 200', async () => {
    let lookups = 0;
    const counting: ReadModel = {
      ...bed.readModel,
      findTokenBySecret: (secret) => {
        lookups++;
        return bed.readModel.findTokenBySecret(secret);
      },
    };
    const gateway = await bed.another({ readModel: counting, tokenCacheMs: 0 });
    try {
      const minted = await bed.readModel.createToken({ name: 'fresh', role: 'requester' });
      const get = (secret: string) =>
        call(gateway.listening, 'GET', '/v1/catalog', { headers: { authorization: `Bearer ${secret}` } });
      for (const malformed of ['not-a-token', `${minted.secret}x`, minted.secret.slice(0, -1)]) {
        const res = await get(malformed);
        expect(res.status, malformed).toBe(401);
        expect(res.body).toMatchObject({
          code: 'OO_ERR_AUTH_INVALID',
          detail: expect.stringContaining('malformed'),
        });
      }
      expect(lookups).toBe(0);
      expect((await get(minted.secret)).status).toBe(200);
      expect(lookups).toBe(1);
    } finally {
      await gateway.stop();
    }
  });

  it('notes when a token was last used', async () => {
    const created = await bed.readModel.createToken({ name: 'carol', role: 'requester' });
    expect(created.token.lastUsedAt).toBeNull();
    await call(bed.listening, 'GET', '/v1/catalog', {
      headers: { authorization: `Bearer ${created.secret}` },
    });
    // The note is written off the call's path: look until it is there.
    const lastUsedAt = await waitFor(
      async () =>
        (await bed.readModel.listTokens()).find((t) => t.id === created.token.id)?.lastUsedAt ?? undefined,
      { what: 'lastUsedAt of the token' },
    );
    expect(Date.parse(lastUsedAt)).toBeGreaterThan(Date.parse(created.token.createdAt) - 1);
  });
});

describe('gateway - rate limit', () => {
  it('answers 429 with Retry-After once a token goes over its calls per minute', async () => {
    const limited = await bed.another({ rateLimit: { perMinute: 3 } });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < 4; i++) {
        last = await call(limited.listening, 'GET', '/v1/catalog', { headers: bed.auth('alice') });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(last!.body.code).toBe('OO_ERR_HTTP_RATE_LIMITED');
      expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another token has its own allowance.
      expect((await call(limited.listening, 'GET', '/v1/catalog', { headers: bed.auth('bob') })).status).toBe(
        200,
      );
    } finally {
      await limited.stop();
    }
  });
});

describe('gateway - errors', () => {
  it('answers an unexpected failure with 500, the trace id and no internals', async () => {
    const broken: ReadModel = {
      ...bed.readModel,
      listRequests: async () => {
        throw new Error('connection to 10.0.0.7:5432 refused; password=hunter2');
      },
    };
    const gateway = await bed.another({ readModel: broken });
    try {
      const res = await call(gateway.listening, 'GET', '/v1/requests', { headers: bed.auth('olga') });
      expect(res.status).toBe(500);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 500, code: 'OO_ERR_HANDLER_FAILED', errors: [] });
      expect(res.body.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(res.body.detail).toContain(res.body.traceId);
      expect(res.headers['oo-trace-id']).toBe(res.body.traceId);
      expect(res.text).not.toMatch(/hunter2|10\.0\.0\.7|at .*\.ts/);
    } finally {
      await gateway.stop();
    }
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await call(bed.listening, 'GET', '/v2/everything', { headers: bed.auth('olga') });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      code: 'OO_ERR_HTTP_NOT_FOUND',
      type: 'urn:oo:error:OO_ERR_HTTP_NOT_FOUND',
    });
  });
});

describe('gateway - methods a path does not answer', () => {
  it('answers 405 with Allow naming the methods of the path, HEAD beside GET', async () => {
    const res = await call(bed.listening, 'DELETE', '/v1/requests', { headers: bed.auth('olga') });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'OO_ERR_HTTP_METHOD_NOT_ALLOWED',
      type: 'urn:oo:error:OO_ERR_HTTP_METHOD_NOT_ALLOWED',
      status: 405,
      allow: ['GET', 'HEAD', 'POST'],
    });
    expect(res.body.detail).toContain('DELETE /v1/requests');
  });

  it('answers 405 on a parametrised path, its query ignored', async () => {
    const res = await call(bed.listening, 'PUT', '/v1/requests/req_anyone/cancel?x=1', {
      headers: bed.auth('olga'),
      json: {},
    });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body.detail).toContain('PUT /v1/requests/req_anyone/cancel?x=1');
  });

  it('sends the Allow header over a real socket', async () => {
    const res = await fetch(`${bed.listening.url}/v1/catalog`, { method: 'PUT', headers: bed.auth('alice') });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(((await res.json()) as { code: string }).code).toBe('OO_ERR_HTTP_METHOD_NOT_ALLOWED');
  });

  it('still answers 404 to a path no method answers', async () => {
    const res = await call(bed.listening, 'DELETE', '/v1/catalog/x', { headers: bed.auth('olga') });
    expect(res.status).toBe(404);
    expect(res.headers.allow).toBeUndefined();
    expect(res.body.code).toBe('OO_ERR_HTTP_NOT_FOUND');
  });

  it('answers 404, not 405, when a route of the very method finds nothing (a file under /docs)', async () => {
    const res = await call(bed.listening, 'GET', '/docs/static/no-such-file.js');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('OO_ERR_HTTP_NOT_FOUND');
  });
});

describe('gateway - catalog, templates, presence', () => {
  it('lists the catalog items and templates it was given', async () => {
    const catalog = await call(bed.listening, 'GET', '/v1/catalog', { headers: bed.auth('alice') });
    expect(catalog.body).toEqual({ items: ['rhel-vm', 'dns-entry'] });
    const templates = await call(bed.listening, 'GET', '/v1/templates', { headers: bed.auth('alice') });
    expect(templates.body).toEqual({
      items: [{ name: 'vm-unmanaged', version: 2, description: 'A VM built once by Ansible' }],
    });
  });

  it('shows operators the actor instances alive, itself included', async () => {
    const res = await call(bed.listening, 'GET', '/v1/presence', { headers: bed.auth('olga') });
    expect(res.status).toBe(200);
    expect(res.body.items).toContainEqual(
      expect.objectContaining({ actor: 'gateway', instance: bed.gateway.instance }),
    );
  });

  it('refuses requesters the presence list with 403', async () => {
    const res = await call(bed.listening, 'GET', '/v1/presence', { headers: bed.auth('alice') });
    expect(res.status).toBe(403);
  });
});

describe('gateway - probes and docs', () => {
  it('answers /healthz and /readyz without a token', async () => {
    expect((await call(bed.listening, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await call(bed.listening, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { nats: 'ok', database: 'ok' } });
  });

  it('answers /readyz with 503 naming the database when it does not answer', async () => {
    const deadDb = { ...bed.readModel.db, query: async () => Promise.reject(new Error('gone')) };
    const gateway = await bed.another({ readModel: { ...bed.readModel, db: deadDb } });
    try {
      const res = await call(gateway.listening, 'GET', '/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        code: 'OO_ERR_HTTP_NOT_READY',
        checks: { nats: 'ok', database: 'failed: gone' },
      });
    } finally {
      await gateway.stop();
    }
  });

  it('serves an OpenAPI 3.1 document generated from the schemas', async () => {
    const res = await call(bed.listening, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/readyz',
      '/v1/catalog',
      '/v1/policy',
      '/v1/policy/history',
      '/v1/presence',
      '/v1/requests',
      '/v1/requests/{id}',
      '/v1/requests/{id}/cancel',
      '/v1/requests/{id}/events',
      '/v1/requests/{id}/logs',
      '/v1/requests/{id}/rerun',
      '/v1/templates',
      '/v1/tokens',
      '/v1/tokens/{id}',
    ]);
    const submit = doc.paths['/v1/requests'].post;
    expect(submit.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/RequestBodyInput',
    });
    expect(Object.keys(submit.responses)).toContain('422');
    expect(doc.components.schemas.RequestBodyInput.additionalProperties).toBe(false);
    // The docs' example request is the seed's VM.
    expect(doc.components.schemas.RequestBodyInput.examples).toEqual([{ resources: [EXAMPLE_VM] }]);
    expect(doc.components.securitySchemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('serves browsable docs at /docs', async () => {
    const res = await call(bed.listening, 'GET', '/docs/');
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/html/);
    expect(res.text).toContain('swagger-ui');
    const asset = await call(bed.listening, 'GET', '/docs/static/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
  });

  it('sends the trace id of every call in a header', async () => {
    const res = await call(bed.listening, 'POST', '/v1/requests', {
      headers: bed.auth('alice'),
      json: validBody,
    });
    expect(res.headers['oo-trace-id']).toBe(res.body.traceId);
  });
});

describe('gateway - without NATS', () => {
  it('answers /readyz and a submit with 503 while NATS is down', async () => {
    await bed.server.kill();
    try {
      const ready = await call(bed.listening, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.database).toBe('ok');
      expect(ready.body.checks.nats).toMatch(/^failed/);
      const res = await call(bed.listening, 'POST', '/v1/requests', {
        headers: bed.auth('alice'),
        json: validBody,
      });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'OO_ERR_NATS_UNAVAILABLE', retryable: true });
      expect(res.headers['retry-after']).toBe('2');
    } finally {
      await bed.server.restart();
    }
  });
});
