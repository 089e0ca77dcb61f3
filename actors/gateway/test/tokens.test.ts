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

const as = (who: Who) => ({ headers: bed.auth(who) });
const create = (who: Who, json: unknown) => call(bed.listening, 'POST', '/v1/tokens', { ...as(who), json });
const bearer = (secret: string) => ({ headers: { authorization: `Bearer ${secret}` } });

describe('gateway - API tokens', () => {
  it('creates a token whose secret is answered once and works at once, lists it without a secret, and audits it', async () => {
    const res = await create('adam', { name: 'carol', role: 'requester' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      token: {
        id: expect.stringMatching(/^tok_/),
        name: 'carol',
        role: 'requester',
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      },
      secret: expect.stringMatching(/^oo_tok_\w+_[\w-]{43}$/),
    });
    const { id } = res.body.token;
    expect((await call(bed.listening, 'GET', '/v1/requests', bearer(res.body.secret))).status).toBe(200);

    const list = await call(bed.listening, 'GET', '/v1/tokens', as('adam'));
    expect(list.status).toBe(200);
    const listed = list.body.items.find((t: { id: string }) => t.id === id);
    expect(listed).toMatchObject({ name: 'carol', role: 'requester', revokedAt: null });
    expect(list.text).not.toContain(res.body.secret);

    const audit = await bed.readModel.listAudit({ target: id });
    expect(audit.items).toEqual([
      expect.objectContaining({
        principal: 'adam',
        action: 'token.create',
        details: { name: 'carol', role: 'requester' },
      }),
    ]);
  });

  it('revokes a token: refused from then on, a second revoke is 404, and the revoke is audited', async () => {
    const created = await create('adam', { name: 'svc-monitor', role: 'service' });
    const { id } = created.body.token;
    const revoked = await call(bed.listening, 'DELETE', `/v1/tokens/${id}`, as('adam'));
    expect(revoked.status).toBe(204);
    const refused = await call(bed.listening, 'GET', '/v1/requests', bearer(created.body.secret));
    expect(refused.status).toBe(401);
    const again = await call(bed.listening, 'DELETE', `/v1/tokens/${id}`, as('adam'));
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ type: expect.stringContaining('OO_ERR_HTTP_TOKEN_NOT_FOUND') });
    const audit = await bed.readModel.listAudit({ target: id, action: 'token.revoke' });
    expect(audit.items).toEqual([expect.objectContaining({ principal: 'adam' })]);
  });

  it('is for admins only: 403 for a requester and an operator, 401 without a token', async () => {
    for (const who of ['alice', 'olga'] as const) {
      expect((await create(who, { name: 'x', role: 'admin' })).status).toBe(403);
      expect((await call(bed.listening, 'GET', '/v1/tokens', as(who))).status).toBe(403);
      expect((await call(bed.listening, 'DELETE', '/v1/tokens/tok_1', as(who))).status).toBe(403);
    }
    expect((await call(bed.listening, 'GET', '/v1/tokens')).status).toBe(401);
  });

  it('refuses a bad body with 422 naming each field, and a malformed id with 400', async () => {
    const res = await create('adam', { name: 'has space', role: 'god', extra: 1 });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['extra', 'name', 'role']);
    const bad = await call(bed.listening, 'DELETE', '/v1/tokens/..%2Fetc', as('adam'));
    expect(bad.status).toBe(400);
  });
});
