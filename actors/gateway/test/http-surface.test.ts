import { EXAMPLE_VM, OoError, subject, taskSubject } from '@oo/contracts';
import type { ReadModel } from '@oo/read-model';
import { type Clock, defineActor, on, startActor } from '@oo/runtime';
import { waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { GatewayListening, Problem } from '../src/index.js';
import {
  type GatewayBed,
  randomTraceId,
  silentLog,
  startGatewayBed,
  testConfig,
  validBody,
} from './fixtures/gateway-bed.js';
import { call } from './fixtures/http.js';

let bed: GatewayBed;
beforeAll(async () => {
  bed = await startGatewayBed();
});
afterAll(async () => {
  await bed?.stop();
});

/** The bed's read model, counting the API token lookups made through it. */
function countingLookups(): { readModel: ReadModel; lookups(): number } {
  let lookups = 0;
  return {
    readModel: {
      ...bed.readModel,
      findTokenBySecret: (secret) => {
        lookups++;
        return bed.readModel.findTokenBySecret(secret);
      },
    },
    lookups: () => lookups,
  };
}

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
    const counting = countingLookups();
    const gateway = await bed.another({ readModel: counting.readModel, tokenCacheMs: 0 });
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
      expect(counting.lookups()).toBe(0);
      expect((await get(minted.secret)).status).toBe(200);
      expect(counting.lookups()).toBe(1);
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
    const limited = await bed.another({ rateLimitPerMinute: 3 });
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

/** A secret with one character changed: well-shaped, so only the database can refuse it. */
const forged = (secret: string) => {
  const i = secret.length - 10;
  return `${secret.slice(0, i)}${secret[i] === 'A' ? 'B' : 'A'}${secret.slice(i + 1)}`;
};

/**
 * Runs `test` against a gateway of its own with `authFailuresPerMinute`, a read model counting
 * token lookups and a clock `advance` moves; calls go over a real socket, all from 127.0.0.1.
 */
async function withFailureLimit(
  authFailuresPerMinute: number,
  test: (gateway: {
    /** GET /v1/catalog with this Authorization header (none for undefined). */
    get(authorization?: string): Promise<{ status: number; retryAfter: string | null; body: Problem }>;
    /** Sends `times` malformed tokens, each answered 401. */
    fail(times: number): Promise<void>;
    /** GET /v1/catalog with Alice's valid token; its status. */
    asAlice(): Promise<number>;
    lookups(): number;
    advance(ms: number): void;
    listening: GatewayListening;
  }) => Promise<void>,
) {
  const counting = countingLookups();
  let shiftMs = 0;
  const clock: Clock = {
    now: () => Date.now() + shiftMs,
    iso: () => new Date(Date.now() + shiftMs).toISOString(),
  };
  const gateway = await bed.another(
    { readModel: counting.readModel, tokenCacheMs: 0, authFailuresPerMinute },
    clock,
  );
  const get = async (authorization?: string) => {
    const res = await fetch(`${gateway.listening.url}/v1/catalog`, {
      headers: authorization === undefined ? {} : { authorization },
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as Problem,
    };
  };
  try {
    await test({
      get,
      async fail(times) {
        for (let i = 0; i < times; i++) expect((await get('Bearer not-a-token')).status).toBe(401);
      },
      asAlice: async () => (await get(`Bearer ${bed.secrets.alice}`)).status,
      lookups: counting.lookups,
      advance: (ms) => {
        shiftMs += ms;
      },
      listening: gateway.listening,
    });
  } finally {
    await gateway.stop();
  }
}

describe('gateway - failed authentications per address', () => {
  it('answers 429 with Retry-After once an address has failed N times, and looks no token up', () =>
    withFailureLimit(3, async (gateway) => {
      const unknown = `Bearer ${forged(bed.secrets.alice)}`;
      // Missing, malformed and unknown: every kind of 401 counts.
      expect((await gateway.get()).status).toBe(401);
      expect((await gateway.get('Bearer not-a-token')).status).toBe(401);
      expect((await gateway.get(unknown)).status).toBe(401);
      expect(gateway.lookups()).toBe(1);

      const refused = await gateway.get(unknown);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({
        code: 'OO_ERR_AUTH_TOO_MANY_FAILURES',
        status: 429,
        retryable: true,
      });
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
      expect(gateway.lookups()).toBe(1);
      // Probes need no token and still answer.
      expect((await fetch(`${gateway.listening.url}/healthz`)).status).toBe(200);
    }));

  it('refuses a valid token from a blocked address too, without a lookup', () =>
    withFailureLimit(2, async (gateway) => {
      await gateway.fail(2);
      const res = await gateway.get(`Bearer ${bed.secrets.alice}`);
      expect(res.status).toBe(429);
      expect(res.body.code).toBe('OO_ERR_AUTH_TOO_MANY_FAILURES');
      expect(gateway.lookups()).toBe(0);
    }));

  it('blocks only the failing address', () =>
    withFailureLimit(1, async (gateway) => {
      await gateway.fail(1);
      expect(await gateway.asAlice()).toBe(429);
      const elsewhere = await gateway.listening.inject({
        method: 'GET',
        url: '/v1/catalog',
        headers: bed.auth('alice'),
        remoteAddress: '192.0.2.7',
      });
      expect(elsewhere.statusCode).toBe(200);
    }));

  it('lets the address in again once the minute of its first failure is over', () =>
    withFailureLimit(2, async (gateway) => {
      await gateway.fail(2);
      gateway.advance(59_000);
      expect(await gateway.asAlice()).toBe(429);
      gateway.advance(1_000);
      expect(await gateway.asAlice()).toBe(200);
      // A new window: one failure is not a block yet.
      await gateway.fail(1);
      expect(await gateway.asAlice()).toBe(200);
    }));

  it('does not count successful authentications, nor let them reset the count', () =>
    withFailureLimit(2, async (gateway) => {
      for (let i = 0; i < 5; i++) expect(await gateway.asAlice()).toBe(200);
      await gateway.fail(1);
      expect(await gateway.asAlice()).toBe(200);
      await gateway.fail(1);
      expect(await gateway.asAlice()).toBe(429);
    }));
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

describe('gateway - dead letters', () => {
  it('shows operators what an actor could not handle, with the reason, paged on by sequence', async () => {
    // A real actor refusing bodies it cannot read: each goes to its dead letters.
    const name = `orders-${randomTraceId().slice(0, 8)}`;
    const orders = subject(`oo.cmd.${name}.place`, z.object({ item: z.string() }).strict());
    const actor = await startActor(
      defineActor({ name, version: '1.0.0', handlers: [on(orders, async () => undefined)] }),
      { config: testConfig(bed.server.url), log: silentLog },
    );
    for (const body of ['{not json', '{"item": 7}', '{"item": "x", "rogue": true}'])
      await actor.nats.js.publish(orders.name, new TextEncoder().encode(body));
    const page = (query: string) =>
      call(bed.listening, 'GET', `/v1/dead-letters?actor=${name}&${query}`, { headers: bed.auth('olga') });
    await waitFor(async () => (await page('limit=10')).body.items?.length === 3);
    await actor.stop();

    const first = await page('limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((l: { error: { code: string } }) => l.error.code)).toEqual([
      'OO_ERR_MSG_INVALID_JSON',
      'OO_ERR_MSG_SCHEMA',
    ]);
    expect(first.body.items[0]).toMatchObject({
      actor: name,
      subject: orders.name,
      body: '{not json',
      bodyEncoding: 'utf8',
    });
    expect(first.body.nextAfter).toBe(first.body.items[1].seq);
    const rest = await page(`after=${first.body.nextAfter}`);
    expect(rest.body.items.map((l: { body: string }) => l.body)).toEqual(['{"item": "x", "rogue": true}']);
    expect(rest.body.nextAfter).toBeNull();
    const later = await page(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(later.body.items).toEqual([]);
  });

  it('sends a letter again once its cause is fixed, audited, and refuses what cannot go again with 409', async () => {
    const name = `fixer-${randomTraceId().slice(0, 8)}`;
    const tasks = taskSubject(`fix-${randomTraceId().slice(0, 8)}`);
    let broken = true;
    const handled: string[] = [];
    const actor = await startActor(
      defineActor({
        name,
        version: '1.0.0',
        handlers: [
          on(tasks, async (_ctx, task) => {
            if (broken)
              throw new OoError('OO_ERR_HANDLER_FAILED', 'broken until fixed', { retryable: false });
            handled.push(task.taskKey);
          }),
        ],
      }),
      { config: testConfig(bed.server.url), log: silentLog },
    );
    const type = tasks.name.slice('oo.task.'.length);
    const { traceId } = await actor.publish(tasks, {
      runId: 'run_1',
      taskKey: 'a',
      type,
      attempt: 1,
      input: {},
    });
    await actor.nats.js.publish(tasks.name, new TextEncoder().encode('{not json'));
    const letters = async () =>
      (await call(bed.listening, 'GET', `/v1/dead-letters?actor=${name}`, { headers: bed.auth('olga') })).body
        .items as Array<{ seq: number; body: string; cannotReplay: string | null }>;
    await waitFor(async () => (await letters()).length === 2);
    const [valid, garbled] = await letters();
    // Each says beforehand whether it could go again.
    expect(valid!.cannotReplay).toBeNull();
    expect(garbled!.cannotReplay).toBe('its body is not JSON');
    broken = false;
    const replay = (who: 'alice' | 'olga', seq: number | string) =>
      call(bed.listening, 'POST', `/v1/dead-letters/${seq}/replay`, { headers: bed.auth(who) });

    expect((await replay('alice', valid!.seq)).status).toBe(403);
    const replayed = await replay('olga', valid!.seq);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual({
      seq: valid!.seq,
      subject: tasks.name,
      stream: 'OO_TASK',
      streamSeq: expect.any(Number),
      duplicate: false,
      removed: true,
      traceId,
    });
    await waitFor(() => handled.length === 1, { what: 'the replayed task handled' });
    expect(handled).toEqual(['a']);
    const audited = await bed.readModel.listAudit({
      target: String(valid!.seq),
      action: 'dead-letter.replay',
    });
    expect(audited.items).toEqual([expect.objectContaining({ principal: 'olga', traceId })]);

    const refused = await replay('olga', garbled!.seq);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'OO_ERR_DEAD_LETTER_NOT_REPLAYABLE' });
    expect(refused.body.detail).toContain('its body is not JSON');
    expect((await replay('olga', valid!.seq)).body.code).toBe('OO_ERR_DEAD_LETTER_NOT_FOUND');
    expect((await replay('olga', valid!.seq)).status).toBe(404);
    expect((await letters()).map((l) => l.seq)).toEqual([garbled!.seq]);

    // What cannot go again is discarded instead, audited; then it is gone.
    const discard = (who: 'alice' | 'olga') =>
      call(bed.listening, 'DELETE', `/v1/dead-letters/${garbled!.seq}`, { headers: bed.auth(who) });
    expect((await discard('alice')).status).toBe(403);
    expect((await discard('olga')).status).toBe(204);
    expect(await letters()).toEqual([]);
    expect((await discard('olga')).status).toBe(404);
    const discarded = await bed.readModel.listAudit({
      target: String(garbled!.seq),
      action: 'dead-letter.discard',
    });
    expect(discarded.items).toEqual([expect.objectContaining({ principal: 'olga' })]);
    expect(handled).toEqual(['a']);
    for (const seq of ['0', 'x', '1e3', '99999999999999999999'])
      expect((await replay('olga', seq)).status).toBe(400);
    await actor.stop();
  });

  it('refuses requesters with 403, and a query it cannot take with 400 naming the field', async () => {
    const refused = await call(bed.listening, 'GET', '/v1/dead-letters', { headers: bed.auth('alice') });
    expect(refused.status).toBe(403);
    for (const [query, field] of [
      ['actor=oo.>', 'actor'],
      ['since=yesterday', 'since'],
      ['limit=0', 'limit'],
      ['after=-1', 'after'],
    ] as const) {
      const res = await call(bed.listening, 'GET', `/v1/dead-letters?${query}`, {
        headers: bed.auth('olga'),
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(`query.${field}`);
    }
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
      '/v1/catalog/options',
      '/v1/dead-letters',
      '/v1/dead-letters/{seq}',
      '/v1/dead-letters/{seq}/replay',
      '/v1/inventory',
      '/v1/me',
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
