import { EngineSubjects, RequestSubjects, type RunEvent, requestEventSubject } from '@oo/contracts';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  alice,
  dlq,
  olga,
  type RequestBus,
  type StartedRequest,
  startRequestBus,
  telemetry,
  validBody,
} from './fixtures/request-bus.js';

let bus: RequestBus;
beforeEach(async () => {
  bus = await startRequestBus();
});
afterEach(() => bus.stop());
afterAll(() => telemetry.shutdown());

const timedOut = { code: 'OO_ERR_TIMEOUT', message: 'AWX job timed out', retryable: true };

/** A request whose run failed (or, failing with a rejection, rejected it), as the requests actor has recorded it. */
async function failedRequest(
  requestId: string,
  error: NonNullable<RunEvent['error']> = timedOut,
): Promise<StartedRequest> {
  const ended = await bus.collect(requestEventSubject(error === timedOut ? 'failed' : 'rejected'));
  const request = await bus.started(requestId);
  const event: RunEvent = {
    runId: request.runId,
    template: request.template,
    version: 1,
    status: 'failed',
    requestId,
    error,
    at: new Date().toISOString(),
  };
  await bus.runEvent(event, request.traceId);
  await ended.waitFor(1);
  return request;
}

describe('requests - rerun', () => {
  it('starts a rerun of the original run under a new request id, in the original trace', async () => {
    const original = await failedRequest('req_orig1');
    const starts = await bus.collect(EngineSubjects.start);
    const sent = await bus.rerun(
      { requestId: 'req_orig1', mode: 'resume' },
      { as: olga, requestId: 'req_rerun1' },
    );
    expect(sent.traceId).not.toBe(original.traceId);
    await starts.waitFor(2);
    const rerun = starts.items.find((item) => item.body.requestId === 'req_rerun1');
    expect(rerun?.body).toMatchObject({
      requestId: 'req_rerun1',
      template: original.template,
      rerunOf: { runId: original.runId, mode: 'resume' },
      input: { requestId: 'req_rerun1', submittedBy: 'alice' },
    });
    expect(rerun?.body.runId).not.toBe(original.runId);
    expect(rerun?.ctx.traceId).toBe(original.traceId);
    expect(rerun?.ctx.headers['oo-trace-id']).toBe(original.traceId);
    expect(rerun?.ctx.headers.traceparent).toMatch(new RegExp(`^00-${original.traceId}-[0-9a-f]{16}-01$`));
  });

  it('announces the rerun as accepted, naming the original request, for the original requester', async () => {
    const original = await failedRequest('req_orig2');
    const accepted = await bus.collect(requestEventSubject('accepted'));
    await bus.rerun({ requestId: 'req_orig2', mode: 'restart' }, { as: olga, requestId: 'req_rerun2' });
    await accepted.waitFor(2);
    const event = accepted.items.find((item) => item.body.requestId === 'req_rerun2');
    expect(event?.body).toMatchObject({
      requestId: 'req_rerun2',
      traceId: original.traceId,
      rerunOf: 'req_orig2',
      submittedBy: 'alice',
      status: 'accepted',
    });
  });

  it('validates an edited body again and rejects it with every reason', async () => {
    await failedRequest('req_orig3');
    const rejected = await bus.collect(requestEventSubject('rejected'));
    await bus.rerun(
      { requestId: 'req_orig3', mode: 'restart', body: { ...validBody, catalogItem: 'nope' } },
      { as: olga, requestId: 'req_rerun3' },
    );
    const [event] = await rejected.waitFor(1);
    expect(event?.body).toMatchObject({ requestId: 'req_rerun3', rerunOf: 'req_orig3' });
    expect(event?.body.reasons?.map((r) => r.path)).toEqual(['catalogItem']);
  });

  it('reruns a request its run rejected on the policy, resuming the original run', async () => {
    const original = await failedRequest('req_orig5', {
      code: 'OO_ERR_RFM_REJECTED',
      message: 'request rejected: resources.0.cpu: must be at most 1',
      retryable: false,
      details: { reasons: [{ path: 'resources.0.cpu', message: 'must be at most 1' }] },
    });
    const starts = await bus.collect(EngineSubjects.start);
    await bus.rerun({ requestId: 'req_orig5', mode: 'resume' }, { as: olga, requestId: 'req_rerun5' });
    await starts.waitFor(2);
    const rerun = starts.items.find((item) => item.body.requestId === 'req_rerun5');
    expect(rerun?.body.rerunOf).toEqual({ runId: original.runId, mode: 'resume' });
    expect(rerun?.ctx.traceId).toBe(original.traceId);
  });

  it('refuses a rerun asked by a requester', async () => {
    await failedRequest('req_orig4');
    const letters = await bus.collect(dlq);
    await bus.rerun({ requestId: 'req_orig4', mode: 'restart' }, { as: alice, requestId: 'req_rerun4' });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_AUTH_FORBIDDEN');
    await bus.settled(RequestSubjects.rerun);
    expect(await bus.count(EngineSubjects.start)).toBe(1);
  });

  it('refuses a rerun of a request that is still in progress', async () => {
    await bus.started('req_busy1');
    const letters = await bus.collect(dlq);
    await bus.rerun({ requestId: 'req_busy1', mode: 'restart' }, { as: olga });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_REQUEST_STATE');
  });

  it('refuses a rerun of a request rejected before it ran: it has no run to rerun', async () => {
    const rejected = await bus.collect(requestEventSubject('rejected'));
    await bus.submit({ ...validBody, catalogItem: 'nope' }, { requestId: 'req_never1' });
    await rejected.waitFor(1);
    const letters = await bus.collect(dlq);
    await bus.rerun({ requestId: 'req_never1', mode: 'restart' }, { as: olga });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_REQUEST_STATE');
    expect(letter?.body.error.message).toContain('never ran');
  });

  it('refuses a rerun of an unknown request', async () => {
    const letters = await bus.collect(dlq);
    await bus.rerun({ requestId: 'req_nobody', mode: 'restart' }, { as: olga });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_REQUEST_NOT_FOUND');
  });
});
