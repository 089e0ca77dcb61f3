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

describe('gateway - the caller', () => {
  it('tells a requester their name, role and what the role may do', async () => {
    const res = await call(bed.listening, 'GET', '/v1/me', { headers: bed.auth('alice') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'alice', role: 'requester', permissions: ['submit', 'readOwn'] });
  });

  it('tells an operator and an admin what more they may do', async () => {
    const olga = await call(bed.listening, 'GET', '/v1/me', { headers: bed.auth('olga') });
    expect(olga.body).toEqual({
      name: 'olga',
      role: 'operator',
      permissions: ['submit', 'readOwn', 'readAll', 'rerun', 'cancel', 'settleDeadLetters'],
    });
    const adam = await call(bed.listening, 'GET', '/v1/me', { headers: bed.auth('adam') });
    expect(adam.body.permissions).toEqual([
      'submit',
      'readOwn',
      'readAll',
      'rerun',
      'cancel',
      'settleDeadLetters',
      'policy',
      'tokens',
    ]);
  });

  it('answers 401 without a token', async () => {
    const res = await call(bed.listening, 'GET', '/v1/me', {});
    expect(res.status).toBe(401);
  });
});
