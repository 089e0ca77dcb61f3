import {
  durableName,
  ObjectStoreNames,
  type OutputRef,
  StreamNames,
  type TaskMessage,
  taskSubject,
} from '@oo/contracts';
import { builtinTasks, MAX_BODY_BYTES, runnerActor } from '@oo/runner';
import { freshName, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestbed, type TaskEnd, type Testbed } from '../../runtime/test/fixtures/task-testbed.js';
import { startHttpServer, type TestHttpServer } from './fixtures/http-server.js';
import { capturedLog, memoryTracer } from './fixtures/setup.js';

let bed: Testbed;
let http: TestHttpServer;
const logs = capturedLog();
const traces = memoryTracer();
const FAST_RETRY = { maxAttempts: 3, backoffMs: 20, maxBackoffMs: 1_000, jitter: 0 };

beforeAll(async () => {
  bed = await startTestbed();
  http = await startHttpServer();
  // The exported actor itself, with every log line kept and every span recorded.
  await bed.start(runnerActor, { log: logs.log, tracer: traces.tracer });
});
afterAll(async () => {
  await http?.close();
  await bed?.stop();
});

const dispatch = (type: string, input: unknown, extra: Partial<TaskMessage> = {}) =>
  bed.dispatch(type, input, extra);

async function reportOf(runId: string): Promise<TaskEnd> {
  const [report] = await bed.reports.waitFor(runId);
  return report!;
}

describe('builtin tasks', () => {
  it('are noop, sleep, fail and http.request', () => {
    expect(builtinTasks.map((t) => t.type)).toEqual(['noop', 'sleep', 'fail', 'http.request']);
  });
});

describe('noop', () => {
  it('returns its input as output', async () => {
    const runId = await dispatch('noop', { a: [1, 'two'] });
    expect(await reportOf(runId)).toMatchObject({ outcome: 'succeeded', output: { a: [1, 'two'] } });
  });
});

describe('http.request', () => {
  it('returns the status, the allow-listed headers and the JSON body', async () => {
    const path = `/${freshName('ok')}`;
    http.script(path, {
      status: 200,
      headers: { 'content-type': 'application/json', 'set-cookie': 'session=abc', etag: '"v1"' },
      body: JSON.stringify({ id: 7, tags: ['x'] }),
    });
    const runId = await dispatch('http.request', {
      method: 'POST',
      url: `${http.url}${path}?q=1`,
      body: { name: 'n' },
    });
    const report = await reportOf(runId);
    expect(report).toMatchObject({ outcome: 'succeeded', attempt: 1 });
    expect(report.output).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', etag: '"v1"' },
      body: { id: 7, tags: ['x'] },
    });
    const sent = http.received.find((r) => r.path.startsWith(path));
    expect(sent).toMatchObject({ method: 'POST', body: '{"name":"n"}' });
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-/);
  });

  it('calls once when a copy of its message comes after it ended', async () => {
    const path = `/${freshName('once')}`;
    http.script(path, { status: 201, body: 'created' });
    const input = { method: 'POST', url: `${http.url}${path}`, body: { name: 'n' } };
    const runId = await dispatch('http.request', input);
    expect(await reportOf(runId)).toMatchObject({ outcome: 'succeeded', attempt: 1 });
    // What the engine's reconciler sends for a run that looks stuck: the same task, a new message.
    const copy = await bed.client.publish(taskSubject('http.request'), {
      runId,
      taskKey: 'work',
      type: 'http.request',
      attempt: 1,
      input,
    });
    // The copy republishes the recorded end (the stream drops it as a repeat) and calls nothing.
    const durable = durableName(runnerActor.name, taskSubject('http.request').name);
    await waitFor(
      async () =>
        (await bed.client.nats.jsm.consumers.info(StreamNames.tasks, durable)).ack_floor.stream_seq >=
        copy.seq,
      { what: 'the copy handled' },
    );
    expect(http.received.filter((r) => r.path === path)).toHaveLength(1);
    expect(bed.reports.of(runId)).toHaveLength(1);
  });

  it('fails terminally when the status is not an expected one', async () => {
    const path = `/${freshName('created')}`;
    http.script(path, { status: 200, body: 'fine' });
    const runId = await dispatch(
      'http.request',
      { url: `${http.url}${path}`, expectStatus: [201] },
      { retry: FAST_RETRY },
    );
    expect(await reportOf(runId)).toMatchObject({
      outcome: 'failed',
      attempt: 1,
      error: {
        code: 'OO_ERR_WORKFLOW_HTTP_STATUS',
        retryable: false,
        details: { status: 200, expected: [201] },
      },
    });
  });

  it('retries a 503, then succeeds', async () => {
    const path = `/${freshName('busy')}`;
    http.script(
      path,
      { status: 503, body: 'busy' },
      { status: 200, headers: { 'content-type': 'text/plain' }, body: 'done' },
    );
    const runId = await dispatch('http.request', { url: `${http.url}${path}` }, { retry: FAST_RETRY });
    expect(await reportOf(runId)).toMatchObject({
      outcome: 'succeeded',
      attempt: 2,
      output: { status: 200, body: 'done' },
    });
    // running 1, failed 1 (the second attempt ends before it is announced)
    const failed = (await bed.events.waitFor(runId, 2)).filter((e) => e.status === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({
        attempt: 1,
        error: expect.objectContaining({ code: 'OO_ERR_WORKFLOW_HTTP_STATUS', retryable: true }),
      }),
    ]);
  });

  it('sends a secret header without logging it or returning it', async () => {
    const name = `TOKEN_${freshName('').toUpperCase()}`;
    const secret = `s3cr3t-${freshName('')}`;
    process.env[`OO_SECRET_${name}`] = secret;
    const path = `/${freshName('echo')}`;
    // A careless server that echoes the credential back in a header and in the body.
    http.script(path, (req) => ({
      status: 200,
      headers: {
        'content-type': 'application/json',
        'x-echo': String(req.headers.authorization),
        location: `/x/${secret}`,
      },
      body: JSON.stringify({ youSent: req.headers.authorization }),
    }));
    try {
      const runId = await dispatch('http.request', {
        url: `${http.url}${path}`,
        headers: { authorization: { secret: name }, 'x-plain': 'visible' },
      });
      const report = await reportOf(runId);
      expect(report.outcome).toBe('succeeded');
      expect(http.received.find((r) => r.path === path)?.headers.authorization).toBe(secret);
      expect(report.output).toEqual({
        status: 200,
        headers: { 'content-type': 'application/json', location: '/x/[REDACTED]' },
        body: { youSent: '[REDACTED]' },
      });
      expect(logs.text()).toContain(runId);
      expect(logs.text()).not.toContain(secret);
      const spans = traces.exporter.getFinishedSpans();
      expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(secret);
    } finally {
      delete process.env[`OO_SECRET_${name}`];
    }
  });

  it('fails terminally when a referenced secret is not set', async () => {
    const runId = await dispatch('http.request', {
      url: `${http.url}/never`,
      headers: { authorization: { secret: 'NOT_CONFIGURED_ANYWHERE' } },
    });
    expect(await reportOf(runId)).toMatchObject({
      outcome: 'failed',
      attempt: 1,
      error: { code: 'OO_ERR_WORKFLOW_SECRET_MISSING', retryable: false },
    });
    expect(http.received.some((r) => r.path === '/never')).toBe(false);
  });

  it('cuts a body larger than the cap and says so', async () => {
    const path = `/${freshName('big')}`;
    http.script(path, {
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(MAX_BODY_BYTES + 10),
    });
    const runId = await dispatch('http.request', { url: `${http.url}${path}` });
    const report = await reportOf(runId);
    // Past the inline limit, the output is reported by reference to the outputs store.
    expect(report.output).toMatchObject({ $ref: 'outputs', name: `${runId}/work/1` });
    const store = await bed.client.nats.objm.open(ObjectStoreNames.outputs);
    const data = await store.getBlob((report.output as OutputRef).name);
    const output = JSON.parse(new TextDecoder().decode(data!)) as { body: string };
    expect(output).toMatchObject({ status: 200, truncated: true });
    expect(output.body).toHaveLength(MAX_BODY_BYTES);
  });
});

describe('sleep', () => {
  it('waits by parking the task with again, not on a timer', async () => {
    const runId = await dispatch('sleep', { ms: 300 });
    const report = await reportOf(runId);
    expect(report).toMatchObject({ outcome: 'succeeded', attempt: 1, output: { sleptMs: 300 } });
    expect(Date.parse(report.at) - Date.parse(report.startedAt ?? '')).toBeGreaterThanOrEqual(300);
    const deliveries = traces.exporter
      .getFinishedSpans()
      .filter((s) => s.name === 'oo.task.sleep process' && s.attributes['oo.run.id'] === runId);
    // The first delivery stored the wake-up time and handed the message back at once, with a delay;
    // the report came from a later delivery (whose span may still be ending).
    const [first] = deliveries;
    expect(first?.attributes['oo.again.delay_ms']).toBeGreaterThan(0);
    expect(first!.duration[0] * 1_000 + first!.duration[1] / 1e6).toBeLessThan(300);
  });
});

describe('fail', () => {
  it('fails the first `times` attempts, then succeeds', async () => {
    const runId = await dispatch('fail', { times: 2 }, { retry: FAST_RETRY });
    expect(await reportOf(runId)).toMatchObject({
      outcome: 'succeeded',
      attempt: 3,
      output: { attempts: 3 },
    });
    // running 1, failed 1, running 2, failed 2 (the third attempt ends before it is announced)
    const failed = (await bed.events.waitFor(runId, 4)).filter((e) => e.status === 'failed');
    expect(failed.map((e) => [e.attempt, e.error?.code])).toEqual([
      [1, 'OO_ERR_WORKFLOW_FAIL_TASK'],
      [2, 'OO_ERR_WORKFLOW_FAIL_TASK'],
    ]);
  });

  it('fails every attempt without `times`, terminally when asked', async () => {
    const runId = await dispatch('fail', {
      code: 'OO_ERR_AUTH_FORBIDDEN',
      message: 'nope',
      retryable: false,
    });
    expect(await reportOf(runId)).toMatchObject({
      outcome: 'failed',
      attempt: 1,
      error: { code: 'OO_ERR_AUTH_FORBIDDEN', message: 'nope', retryable: false },
    });
  });
});
