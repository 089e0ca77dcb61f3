import { EngineSubjects } from '@oo/contracts';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alice, dlq, olga, type RequestBus, startRequestBus, telemetry } from './fixtures/request-bus.js';

let bus: RequestBus;
beforeEach(async () => {
  bus = await startRequestBus();
});
afterEach(() => bus.stop());
afterAll(() => telemetry.shutdown());

describe('requests - cancel', () => {
  it('asks the engine to cancel the request run when an operator cancels, in the request trace', async () => {
    const request = await bus.started('req_cancel1');
    const cancels = await bus.collect(EngineSubjects.cancel);
    await bus.cancel('req_cancel1', olga);
    const [cancel] = await cancels.waitFor(1);
    expect(cancel?.body).toEqual({ runId: request.runId, reason: 'cancelled' });
    expect(cancel?.ctx.traceId).toBe(request.traceId);
  });

  it('lets a requester cancel their own request', async () => {
    const request = await bus.started('req_cancel2');
    const cancels = await bus.collect(EngineSubjects.cancel);
    await bus.cancel('req_cancel2', alice);
    const [cancel] = await cancels.waitFor(1);
    expect(cancel?.body.runId).toBe(request.runId);
  });

  it('refuses a requester cancelling the request of another', async () => {
    await bus.started('req_cancel3');
    const letters = await bus.collect(dlq);
    await bus.cancel('req_cancel3', { sub: 'bob', role: 'requester' });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_AUTH_FORBIDDEN');
    expect(await bus.count(EngineSubjects.cancel)).toBe(0);
  });
});
