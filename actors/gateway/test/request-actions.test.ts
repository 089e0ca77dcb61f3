import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayBed, startGatewayBed, tokens, type Who } from './fixtures/gateway-bed.js';
import { call } from './fixtures/http.js';

let bed: GatewayBed;
beforeAll(async () => {
  bed = await startGatewayBed();
});
afterAll(async () => {
  await bed?.stop();
});

const post = (who: Who, url: string, json?: unknown) =>
  call(bed.listening, 'POST', url, { headers: bed.auth(who), ...(json === undefined ? {} : { json }) });

describe('gateway - rerun', () => {
  it('gives a new request id in the same trace and publishes the rerun with the new id', async () => {
    const original = await bed.knownRequest({ by: 'alice', status: 'failed' });
    const res = await post('olga', `/v1/requests/${original.requestId}/rerun`, { mode: 'resume' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      requestId: expect.stringMatching(/^req_/),
      traceId: original.traceId,
      status: 'accepted',
      rerunOf: original.requestId,
    });
    expect(res.body.requestId).not.toBe(original.requestId);
    const sent = await bed.commands.next((c) => c.requestId === res.body.requestId);
    expect(sent.subject).toBe('oo.cmd.requests.rerun');
    expect(sent.body).toEqual({ requestId: original.requestId, mode: 'resume' });
    expect(sent.traceId).toBe(original.traceId);
    expect(await tokens.verify(sent.principal!)).toEqual(bed.principals.olga);
  });

  it('records the rerun in the audit trail of the original request', async () => {
    const original = await bed.knownRequest({ by: 'alice', status: 'succeeded' });
    const res = await post('adam', `/v1/requests/${original.requestId}/rerun`, { mode: 'restart' });
    const page = await bed.readModel.listAudit({ target: original.requestId, action: 'request.rerun' });
    expect(page.items).toEqual([
      expect.objectContaining({
        principal: 'adam',
        traceId: original.traceId,
        details: expect.objectContaining({ requestId: res.body.requestId, mode: 'restart' }),
      }),
    ]);
  });

  it('refuses a requester with 403, even for their own request', async () => {
    const original = await bed.knownRequest({ by: 'alice', status: 'failed' });
    const res = await post('alice', `/v1/requests/${original.requestId}/rerun`, { mode: 'resume' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('OO_ERR_AUTH_FORBIDDEN');
  });

  it('reruns a request its run rejected, as once the policy allows it', async () => {
    const original = await bed.knownRequest({ by: 'alice', status: 'rejected' });
    const res = await post('olga', `/v1/requests/${original.requestId}/rerun`, { mode: 'resume' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ traceId: original.traceId, rerunOf: original.requestId });
    const sent = await bed.commands.next((c) => c.requestId === res.body.requestId);
    expect(sent.body).toEqual({ requestId: original.requestId, mode: 'resume' });
  });

  it('refuses a request rejected before it ran with 409: there is no run to rerun', async () => {
    const original = await bed.knownRequest({ by: 'alice', status: 'rejected', runId: null });
    const res = await post('olga', `/v1/requests/${original.requestId}/rerun`, { mode: 'restart' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'OO_ERR_REQUEST_STATE', requestStatus: 'rejected' });
    expect(res.body.detail).toContain('never ran');
  });

  it('refuses with 410 a request that ended longer ago than its record is kept, and reruns one inside it', async () => {
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const old = await bed.knownRequest({ by: 'alice', status: 'failed', at: daysAgo(31) });
    const res = await post('olga', `/v1/requests/${old.requestId}/rerun`, { mode: 'restart' });
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({
      code: 'OO_ERR_REQUEST_RERUN_EXPIRED',
      requestId: old.requestId,
      endedAt: old.at,
    });
    expect(res.body.detail).toContain('submit it again');

    const recent = await bed.knownRequest({ by: 'alice', status: 'failed', at: daysAgo(29) });
    expect((await post('olga', `/v1/requests/${recent.requestId}/rerun`, { mode: 'restart' })).status).toBe(
      202,
    );
  });

  it('refuses a request still running with 409', async () => {
    const running = await bed.knownRequest({ by: 'alice', status: 'running' });
    const res = await post('olga', `/v1/requests/${running.requestId}/rerun`, { mode: 'resume' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'OO_ERR_REQUEST_STATE', status: 409 });
  });

  it('answers 404 for an unknown request and 422 for a bad mode', async () => {
    expect((await post('olga', '/v1/requests/req_unknown/rerun', { mode: 'resume' })).status).toBe(404);
    const original = await bed.knownRequest({ by: 'alice', status: 'failed' });
    const bad = await post('olga', `/v1/requests/${original.requestId}/rerun`, { mode: 'again' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['mode']);
  });
});

describe('gateway - cancel', () => {
  it('lets a requester cancel their own request and publishes the cancel in its trace', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    const res = await post('alice', `/v1/requests/${request.requestId}/cancel`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      requestId: request.requestId,
      traceId: request.traceId,
      status: 'cancel-requested',
    });
    const sent = await bed.commands.next(
      (c) => c.subject === 'oo.cmd.requests.cancel' && c.body.requestId === request.requestId,
    );
    expect(sent.body).toEqual({ requestId: request.requestId, reason: 'cancelled by alice' });
    expect(sent.traceId).toBe(request.traceId);
    expect(sent.requestId).toBe(request.requestId);
  });

  it('lets an operator cancel anyone’s request, with a reason', async () => {
    const request = await bed.knownRequest({ by: 'bob', status: 'accepted' });
    const res = await post('olga', `/v1/requests/${request.requestId}/cancel`, { reason: 'wrong network' });
    expect(res.status).toBe(202);
    const sent = await bed.commands.next(
      (c) => c.subject === 'oo.cmd.requests.cancel' && c.body.requestId === request.requestId,
    );
    expect(sent.body.reason).toBe('wrong network');
  });

  it('refuses a requester cancelling another user’s request with 403', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    const res = await post('bob', `/v1/requests/${request.requestId}/cancel`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('OO_ERR_AUTH_FORBIDDEN');
  });

  it('refuses a request that has ended with 409, and an unknown one with 404', async () => {
    const ended = await bed.knownRequest({ by: 'alice', status: 'succeeded' });
    expect((await post('alice', `/v1/requests/${ended.requestId}/cancel`)).status).toBe(409);
    expect((await post('olga', '/v1/requests/req_unknown/cancel')).status).toBe(404);
  });

  it('records the cancel in the audit trail', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    await post('alice', `/v1/requests/${request.requestId}/cancel`);
    const page = await bed.readModel.listAudit({ target: request.requestId, action: 'request.cancel' });
    expect(page.items).toEqual([expect.objectContaining({ principal: 'alice', traceId: request.traceId })]);
  });
});
