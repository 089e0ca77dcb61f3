import { EngineSubjects, NotifySubjects, type RunEvent, requestEventSubject } from '@oo/contracts';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RequestBus, type StartedRequest, startRequestBus, telemetry } from './fixtures/request-bus.js';

let bus: RequestBus;
beforeEach(async () => {
  bus = await startRequestBus();
});
afterEach(() => bus.stop());
afterAll(() => telemetry.shutdown());

function runEvent(
  request: StartedRequest,
  status: RunEvent['status'],
  extra: Partial<RunEvent> = {},
): RunEvent {
  return {
    runId: request.runId,
    template: request.template,
    version: 1,
    status,
    requestId: request.requestId,
    at: new Date().toISOString(),
    ...extra,
  };
}

const playbookFailed = { code: 'OO_ERR_AWX_JOB_FAILED', message: 'playbook failed', retryable: false };
const policyReasons = [
  { path: 'resources.0.os', message: 'image "beos" is not permitted' },
  { path: 'resources.0.cpu', message: 'must be at most 8' },
];
const policyRejected = {
  code: 'OO_ERR_RFM_REJECTED',
  message:
    'request rejected: resources.0.os: image "beos" is not permitted; resources.0.cpu: must be at most 8',
  retryable: false,
  details: { reasons: policyReasons },
};

describe('requests - follows the root run of a request', () => {
  it('marks the request succeeded with the run output when its root run succeeds', async () => {
    const succeeded = await bus.collect(requestEventSubject('succeeded'));
    const request = await bus.started('req_ok1');
    await bus.runEvent(runEvent(request, 'succeeded', { output: { hosts: ['web01'] } }), request.traceId);
    const [event] = await succeeded.waitFor(1);
    expect(event?.body).toMatchObject({
      requestId: 'req_ok1',
      traceId: request.traceId,
      status: 'succeeded',
      runId: request.runId,
      submittedBy: 'alice',
      output: { hosts: ['web01'] },
    });
  });

  it('publishes the request event in the request trace even when the run event comes in another', async () => {
    const succeeded = await bus.collect(requestEventSubject('succeeded'));
    const request = await bus.started('req_trace1');
    await bus.runEvent(runEvent(request, 'succeeded'), 'a'.repeat(32));
    const [event] = await succeeded.waitFor(1);
    expect(event?.ctx.traceId).toBe(request.traceId);
    expect(event?.ctx.headers['oo-trace-id']).toBe(request.traceId);
  });

  it('sends a completion notice when the root run succeeds', async () => {
    const notices = await bus.collect(NotifySubjects.email);
    const request = await bus.started('req_ok2');
    await bus.runEvent(runEvent(request, 'succeeded'), request.traceId);
    await notices.waitFor(2);
    const completion = notices.items.find((item) => item.body.kind !== 'accepted');
    expect(completion?.body).toMatchObject({
      kind: 'succeeded',
      requestId: 'req_ok2',
      traceId: request.traceId,
    });
    expect(completion?.body.text).toContain('complete');
  });

  it('marks the request failed with the run error when its root run fails', async () => {
    const failed = await bus.collect(requestEventSubject('failed'));
    const request = await bus.started('req_fail1');
    await bus.runEvent(runEvent(request, 'failed', { error: playbookFailed }), request.traceId);
    const [event] = await failed.waitFor(1);
    expect(event?.body).toMatchObject({ status: 'failed', requestId: 'req_fail1', error: playbookFailed });
  });

  it('sends a failure notice naming the error when its root run fails', async () => {
    const notices = await bus.collect(NotifySubjects.email);
    const request = await bus.started('req_fail2');
    await bus.runEvent(runEvent(request, 'failed', { error: playbookFailed }), request.traceId);
    await notices.waitFor(2);
    const notice = notices.items.find((item) => item.body.kind !== 'accepted');
    expect(notice?.body.kind).toBe('failed');
    expect(notice?.body.text).toContain('OO_ERR_AWX_JOB_FAILED: playbook failed');
  });

  it('marks the request rejected with every reason when its root run fails on the policy', async () => {
    const rejected = await bus.collect(requestEventSubject('rejected'));
    const request = await bus.started('req_policy1');
    await bus.runEvent(runEvent(request, 'failed', { error: policyRejected }), request.traceId);
    const [event] = await rejected.waitFor(1);
    expect(event?.body).toMatchObject({
      requestId: 'req_policy1',
      status: 'rejected',
      runId: request.runId,
      reasons: policyReasons,
      error: policyRejected,
    });
    expect(event?.ctx.traceId).toBe(request.traceId);
    await bus.settled(EngineSubjects.runEvents);
    expect(await bus.count(requestEventSubject('failed'))).toBe(0);
  });

  it('sends a rejection notice listing every reason', async () => {
    const notices = await bus.collect(NotifySubjects.email);
    const request = await bus.started('req_policy2');
    await bus.runEvent(runEvent(request, 'failed', { error: policyRejected }), request.traceId);
    await notices.waitFor(2);
    const notice = notices.items.find((item) => item.body.kind !== 'accepted');
    expect(notice?.body.kind).toBe('rejected');
    expect(notice?.body.subject).toContain('was rejected');
    expect(notice?.body.text).toContain('- resources.0.cpu: must be at most 8');
    expect(notice?.body.text).toContain('- resources.0.os: image "beos" is not permitted');
  });

  it('keeps a failure that is no rejection failed, reasons or not', async () => {
    const failed = await bus.collect(requestEventSubject('failed'));
    const request = await bus.started('req_broken1');
    const gitDown = {
      code: 'OO_ERR_RFM_GIT_UNAVAILABLE',
      message: 'push refused',
      retryable: true,
      details: { reasons: policyReasons },
    };
    await bus.runEvent(runEvent(request, 'failed', { error: gitDown }), request.traceId);
    const [event] = await failed.waitFor(1);
    expect(event?.body).toMatchObject({ status: 'failed', error: gitDown });
    expect(event?.body.reasons).toBeUndefined();
  });

  it('publishes running once, however often the run reports it', async () => {
    const running = await bus.collect(requestEventSubject('running'));
    const request = await bus.started('req_run1');
    await bus.runEvent(runEvent(request, 'running'), request.traceId);
    await running.waitFor(1);
    // The engine's own repeat would be dropped by its msgId; this one is a distinct message.
    await bus.runEvent(runEvent(request, 'running'), request.traceId, { msgId: 'a-second-message' });
    await bus.settled(EngineSubjects.runEvents);
    expect(await bus.count(requestEventSubject('running'))).toBe(1);
  });

  it('ignores the events of child runs', async () => {
    const request = await bus.started('req_child1');
    await bus.runEvent(
      runEvent(request, 'succeeded', {
        runId: 'run_child',
        parent: { runId: request.runId, taskKey: 'build' },
      }),
      request.traceId,
    );
    await bus.settled(EngineSubjects.runEvents);
    expect(await bus.count(requestEventSubject('succeeded'))).toBe(0);
  });
});
