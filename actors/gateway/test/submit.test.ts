import { StreamNames } from '@oo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayBed, startGatewayBed, tokens, validBody } from './fixtures/gateway-bed.js';
import { call } from './fixtures/http.js';

let bed: GatewayBed;
beforeAll(async () => {
  bed = await startGatewayBed();
});
afterAll(async () => {
  await bed?.stop();
});

const submit = (json: unknown, headers: Record<string, string> = {}) =>
  call(bed.listening, 'POST', '/v1/requests', { headers: { ...bed.auth('alice'), ...headers }, json });

/** The last sequence of the command stream: unchanged means nothing was published. */
async function lastCommandSeq(): Promise<number> {
  return (await bed.gateway.nats.jsm.streams.info(StreamNames.commands)).state.last_seq;
}

describe('gateway - submit', () => {
  it('answers 202 over a real socket with the request id, its trace id and links', async () => {
    const res = await fetch(`${bed.url}/v1/requests`, {
      method: 'POST',
      headers: { ...bed.auth('alice'), 'content-type': 'application/json' },
      body: JSON.stringify(validBody),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Record<string, unknown>;
    const requestId = body.requestId as string;
    expect(requestId).toMatch(/^req_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(body).toEqual({
      requestId,
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      status: 'accepted',
      links: {
        self: `/v1/requests/${requestId}`,
        events: `/v1/requests/${requestId}/events`,
        logs: `/v1/requests/${requestId}/logs`,
      },
    });
    expect(res.headers.get('location')).toBe(`/v1/requests/${requestId}`);
    expect(res.headers.get('oo-trace-id')).toBe(body.traceId);
  });

  it('publishes the body on the submit subject with the request id, the trace id and a principal of the caller', async () => {
    const res = await submit(validBody);
    const sent = await bed.commands.next((c) => c.requestId === res.body.requestId);
    expect(sent.subject).toBe('oo.cmd.requests.submit');
    expect(sent.body).toEqual({
      ...validBody,
      managed: false,
      resources: [{ ...validBody.resources[0], count: 1 }],
    });
    expect(sent.traceId).toBe(res.body.traceId);
    expect(await tokens.verify(sent.principal!, { enforceExpiry: true })).toEqual(bed.principals.alice);
  });

  it('records the submit in the audit trail with the caller and the trace id', async () => {
    const res = await submit(validBody);
    const page = await bed.readModel.listAudit({ target: res.body.requestId });
    expect(page.items).toEqual([
      expect.objectContaining({
        principal: 'alice',
        action: 'request.submit.http',
        traceId: res.body.traceId,
        details: { tokenId: bed.principals.alice.tokenId },
      }),
    ]);
  });

  it('answers the same 202 to the same Idempotency-Key and body, and publishes nothing new', async () => {
    const key = `key-${Date.now()}`;
    const first = await submit(validBody, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    await bed.commands.next((c) => c.requestId === first.body.requestId);
    const before = await lastCommandSeq();
    // Same body, keys in another order.
    const again = await submit(
      { catalogItem: 'rhel-vm', resources: validBody.resources },
      { 'idempotency-key': key },
    );
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await lastCommandSeq()).toBe(before);
  });

  it('refuses the same Idempotency-Key with another body with 409, publishing nothing', async () => {
    const key = `key-${Date.now()}-other`;
    expect((await submit(validBody, { 'idempotency-key': key })).status).toBe(202);
    const before = await lastCommandSeq();
    const other = await submit({ ...validBody, notes: 'something else' }, { 'idempotency-key': key });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('OO_ERR_HTTP_IDEMPOTENCY_CONFLICT');
    expect(await lastCommandSeq()).toBe(before);
  });

  it('submits once when two calls with one Idempotency-Key race each other', async () => {
    const key = `key-${Date.now()}-race`;
    const [a, b] = await Promise.all([
      submit(validBody, { 'idempotency-key': key }),
      submit(validBody, { 'idempotency-key': key }),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.requestId).toBe(b.body.requestId);
  });

  it('keeps Idempotency-Keys apart per caller', async () => {
    const key = `key-${Date.now()}-shared`;
    const alice = await submit(validBody, { 'idempotency-key': key });
    const bob = await call(bed.listening, 'POST', '/v1/requests', {
      headers: { ...bed.auth('bob'), 'idempotency-key': key },
      json: validBody,
    });
    expect(bob.status).toBe(202);
    expect(bob.body.requestId).not.toBe(alice.body.requestId);
  });

  it('refuses an Idempotency-Key with spaces or control characters with 400', async () => {
    const res = await submit(validBody, { 'idempotency-key': 'has space' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'header.idempotency-key', message: expect.any(String) }]);
  });
});

describe('gateway - submit validation', () => {
  it('answers 422 naming every failing field, unknown fields too', async () => {
    const res = await submit({
      resources: [
        { type: 'virtual_machine', os: 'rhel9', network: 'INTRANET_DEV', cpu: 0, disks: [], gpu: 1 },
      ],
      color: 'blue',
    });
    expect(res.status).toBe(422);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:oo:error:OO_ERR_MSG_SCHEMA',
      title: expect.any(String),
      status: 422,
      detail: expect.stringContaining('invalid'),
      code: 'OO_ERR_MSG_SCHEMA',
    });
    const paths = (res.body.errors as Array<{ path: string }>).map((e) => e.path).sort();
    expect(paths).toEqual([
      'color',
      'resources.0.cpu',
      'resources.0.disks',
      'resources.0.gpu',
      'resources.0.memoryGb',
    ]);
    expect(res.body.errors).toContainEqual({ path: 'resources.0.memoryGb', message: 'is required' });
    expect(res.body.errors).toContainEqual({ path: 'color', message: 'is not a known field' });
  });

  it('answers 422 for an unknown resource type, naming the type field', async () => {
    const res = await submit({ resources: [{ type: 'mainframe' }] });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['resources.0.type']);
  });

  it('answers 400 to malformed JSON', async () => {
    const res = await submit(undefined, { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    const broken = await call(bed.listening, 'POST', '/v1/requests', {
      headers: { ...bed.auth('alice'), 'content-type': 'application/json' },
      payload: '{"resources": [',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('OO_ERR_MSG_INVALID_JSON');
    expect(broken.contentType).toMatch(/^application\/problem\+json/);
  });

  it('answers 413 to a body over the limit', async () => {
    const res = await submit({ ...validBody, notes: 'x'.repeat(300 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'OO_ERR_HTTP_TOO_LARGE', maxBytes: 256 * 1024 });
  });

  it('answers 415 to a body that is not JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await call(bed.listening, 'POST', '/v1/requests', {
        headers: { ...bed.auth('alice'), 'content-type': type },
        payload: 'resources=1',
      });
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('OO_ERR_HTTP_MEDIA_TYPE');
    }
  });
});
