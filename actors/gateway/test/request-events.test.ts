import { newId, type RequestEvent, type RunEvent } from '@oo/contracts';
import { freshName } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayBed, randomTraceId, startGatewayBed, type Who } from './fixtures/gateway-bed.js';
import { call, parseSse, sseReader } from './fixtures/http.js';

let bed: GatewayBed;
beforeAll(async () => {
  bed = await startGatewayBed();
});
afterAll(async () => {
  await bed?.stop();
});

const now = () => new Date().toISOString();

function runEvent(request: RequestEvent, status: RunEvent['status']): RunEvent {
  return {
    runId: request.runId!,
    template: 'vm-unmanaged',
    version: 1,
    status,
    requestId: request.requestId,
    at: now(),
  };
}

function follow(who: Who, requestId: string, headers: Record<string, string> = {}) {
  return fetch(`${bed.url}/v1/requests/${requestId}/events`, { headers: { ...bed.auth(who), ...headers } });
}

describe('gateway - request events (SSE)', () => {
  it('sends the history, then live events, and closes after the terminal event', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'accepted' });
    await bed.fold(runEvent(request, 'running'));

    const res = await follow('alice', request.requestId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = sseReader(res);
    const history = await stream.until(2);
    expect(history.map((f) => [f.event, f.data.body.status])).toEqual([
      ['request', 'accepted'],
      ['run', 'running'],
    ]);
    expect(history.every((f) => f.id !== undefined && Number(f.id) === f.data.seq)).toBe(true);

    await bed.publishEvent(runEvent(request, 'succeeded'), request.traceId);
    await bed.publishEvent({ ...request, status: 'succeeded', at: now() }, request.traceId);
    const frames = await stream.ended();
    expect(frames.map((f) => [f.event, f.data.body?.status ?? f.data.status])).toEqual([
      ['request', 'accepted'],
      ['run', 'running'],
      ['run', 'succeeded'],
      ['request', 'succeeded'],
      ['end', 'succeeded'],
    ]);
    // Live events have no stream sequence, so no id to resume after.
    expect(frames[2]!.id).toBeUndefined();
    expect(frames[2]!.data.seq).toBeNull();
  });

  it('sends the whole history of an ended request and closes at once (in memory)', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'accepted' });
    await bed.fold(runEvent(request, 'running'));
    await bed.fold(runEvent(request, 'failed'));
    await bed.fold({ ...request, status: 'failed', at: now() });
    const res = await call(bed.listening, 'GET', `/v1/requests/${request.requestId}/events`, {
      headers: bed.auth('olga'),
    });
    expect(res.status).toBe(200);
    expect(parseSse(res.text).map((f) => f.event)).toEqual(['request', 'run', 'run', 'request', 'end']);
  });

  it('resumes after Last-Event-ID', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'accepted' });
    const running = await bed.fold(runEvent(request, 'running'));
    await bed.fold(runEvent(request, 'succeeded'));
    await bed.fold({ ...request, status: 'succeeded', at: now() });
    const res = await call(bed.listening, 'GET', `/v1/requests/${request.requestId}/events`, {
      headers: { ...bed.auth('alice'), 'last-event-id': String(running) },
    });
    const frames = parseSse(res.text);
    expect(frames.map((f) => [f.event, f.data.body?.status ?? f.data.status])).toEqual([
      ['run', 'succeeded'],
      ['request', 'succeeded'],
      ['end', 'succeeded'],
    ]);
  });

  it('waits for a request the read model does not know yet, following it live', async () => {
    const requestId = `req_${freshName()}`;
    const traceId = randomTraceId();
    const accepted: RequestEvent = {
      requestId,
      traceId,
      status: 'accepted',
      submittedBy: 'alice',
      at: now(),
    };
    const opened = follow('alice', requestId);
    // The 200 comes only once the gateway has seen the request; until then, tell it again.
    let answered = false;
    void opened.then(() => {
      answered = true;
    });
    while (!answered) {
      await bed.publishEvent(accepted, traceId);
      await Promise.race([opened, new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    const res = await opened;
    expect(res.status).toBe(200);
    const stream = sseReader(res);
    await stream.until(1);
    await bed.publishEvent({ ...accepted, status: 'rejected', at: now() }, traceId);
    const frames = await stream.ended();
    expect(frames.map((f) => f.event)).toEqual(['request', 'request', 'end']);
  });

  it('does not wait for an id minted over a minute ago that the read model does not know (a typo)', async () => {
    // Its first event is told again and again, as in the test above: a gateway that waited would
    // hear it and answer 200.
    for (const [requestId, expected] of [
      [newId('req', Date.now() - 120_000), 404],
      [newId('req'), 200],
    ] as const) {
      const opened = follow('olga', requestId);
      let answered = false;
      void opened.then(() => {
        answered = true;
      });
      const traceId = randomTraceId();
      while (!answered) {
        await bed.publishEvent(
          { requestId, traceId, status: 'accepted', submittedBy: 'alice', at: now() },
          traceId,
        );
        await Promise.race([opened, new Promise((resolve) => setTimeout(resolve, 100))]);
      }
      const res = await opened;
      expect(res.status, requestId).toBe(expected);
      await res.body?.cancel();
    }
  });

  it('answers 404 when no request appears within the grace period', async () => {
    const res = await call(bed.listening, 'GET', `/v1/requests/req_${freshName()}/events`, {
      headers: bed.auth('olga'),
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('OO_ERR_REQUEST_NOT_FOUND');
  });

  it('refuses a requester following another user’s request with 403', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    const res = await call(bed.listening, 'GET', `/v1/requests/${request.requestId}/events`, {
      headers: bed.auth('bob'),
    });
    expect(res.status).toBe(403);
  });

  it('answers 400 to a Last-Event-ID that is not a sequence', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    const res = await call(bed.listening, 'GET', `/v1/requests/${request.requestId}/events`, {
      headers: { ...bed.auth('alice'), 'last-event-id': 'yesterday' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['header.last-event-id']);
  });

  it('keeps an idle stream open with heartbeat comments', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    const stream = sseReader(await follow('alice', request.requestId));
    await stream.until(1);
    while (!stream.text().includes(': keep-alive')) await new Promise((resolve) => setTimeout(resolve, 50));
    await stream.cancel();
  });
});

describe('gateway - stopping', () => {
  it('ends open event streams when the gateway stops', async () => {
    const gateway = await bed.another({});
    const request = await bed.knownRequest({ by: 'alice', status: 'running' });
    const res = await fetch(`${gateway.listening.url}/v1/requests/${request.requestId}/events`, {
      headers: bed.auth('alice'),
    });
    const stream = sseReader(res);
    await stream.until(1);
    await gateway.stop();
    expect((await stream.ended()).map((f) => f.event)).toEqual(['request']);
  });
});

describe('gateway - request logs', () => {
  it('pages through the stored events of a request, oldest first', async () => {
    const request = await bed.knownRequest({ by: 'alice', status: 'accepted' });
    await bed.fold(runEvent(request, 'running'));
    await bed.fold(runEvent(request, 'succeeded'));
    const url = `/v1/requests/${request.requestId}/logs`;
    const first = await call(bed.listening, 'GET', `${url}?limit=2`, { headers: bed.auth('alice') });
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { subject: string }) => e.subject)).toEqual([
      'oo.evt.request.accepted',
      'oo.evt.run.running',
    ]);
    const rest = await call(bed.listening, 'GET', `${url}?limit=2&after=${first.body.nextAfter}`, {
      headers: bed.auth('alice'),
    });
    expect(rest.body).toMatchObject({ items: [{ subject: 'oo.evt.run.succeeded' }], nextAfter: null });
  });
});
