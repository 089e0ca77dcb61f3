import { OoError } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { followRequest, progressLines, readEnded } from '../src/follow-request.js';
import type { GatewayClient, SseFrame } from '../src/gateway-client.js';

const task = (
  seq: number,
  taskKey: string,
  status: string,
  extra: Record<string, unknown> = {},
): SseFrame => ({
  event: 'task',
  id: String(seq),
  data: JSON.stringify({
    seq,
    at: '2026-11-27T10:11:12.000Z',
    body: { taskKey, type: 'noop', status, ...extra },
  }),
});
const end = (status: string): SseFrame => ({ event: 'end', id: undefined, data: JSON.stringify({ status }) });

/** A gateway whose event stream answers each opening with the next script: frames, then a throw or a close. */
function scriptedGateway(openings: Array<{ frames: SseFrame[]; breaksWith?: Error }>) {
  const asked: Array<string | undefined> = [];
  const gateway: GatewayClient = {
    url: 'http://gateway.test',
    call: () => Promise.reject(new Error('not called')),
    async *events(_path, lastEventId) {
      asked.push(lastEventId);
      const opening = openings.shift();
      if (!opening) throw new OoError('OO_ERR_HTTP_UNREACHABLE', 'no more');
      yield* opening.frames;
      if (opening.breaksWith) throw opening.breaksWith;
    },
  };
  return { gateway, asked };
}

describe('following a request', () => {
  it('opens the stream again after the last event seen when it breaks, until the end frame', async () => {
    const { gateway, asked } = scriptedGateway([
      { frames: [task(5, 'a', 'succeeded')], breaksWith: new TypeError('terminated') },
      { frames: [], breaksWith: new OoError('OO_ERR_HTTP_UNREACHABLE', 'gateway restarting') },
      {
        frames: [task(9, 'b', 'failed', { attempt: 2, error: { code: 'OO_ERR_TIMEOUT', message: 'slow' } })],
      },
      { frames: [end('failed')] },
    ]);
    const lines: string[] = [];
    expect(await followRequest(gateway, 'req_1', (l) => lines.push(l), 30_000)).toBe('failed');
    expect(asked).toEqual([undefined, '5', '5', '9']);
    expect(lines).toEqual([
      '10:11:12 task a noop succeeded',
      '10:11:12 task b noop failed (attempt 2) (OO_ERR_TIMEOUT: slow)',
    ]);
  }, 15_000);

  it("tells no line for a task's late scheduled that a resumed stream passes on", async () => {
    // The gateway drops one within a stream; after a resume it knows only what it sent since.
    const { gateway } = scriptedGateway([
      { frames: [task(5, 'a', 'succeeded')], breaksWith: new TypeError('terminated') },
      { frames: [task(6, 'a', 'scheduled'), task(7, 'b', 'scheduled'), end('succeeded')] },
    ]);
    const lines: string[] = [];
    expect(await followRequest(gateway, 'req_1', (l) => lines.push(l), 30_000)).toBe('succeeded');
    expect(lines).toEqual(['10:11:12 task a noop succeeded', '10:11:12 task b noop scheduled']);
  }, 15_000);

  it('does not ask again after a problem answer, and gives up after the time allowed', async () => {
    const forbidden = new OoError('OO_ERR_AUTH_FORBIDDEN', 'HTTP 403: not yours');
    const { gateway } = scriptedGateway([{ frames: [], breaksWith: forbidden }]);
    await expect(followRequest(gateway, 'req_1', () => undefined, 30_000)).rejects.toBe(forbidden);

    const silent: GatewayClient = {
      url: 'http://gateway.test',
      call: () => Promise.reject(new Error('not called')),
      async *events(_path, _last, signal) {
        await new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason)),
        );
      },
    };
    await expect(followRequest(silent, 'req_2', () => undefined, 200)).rejects.toMatchObject({
      code: 'OO_ERR_TIMEOUT',
      message: 'request req_2 did not end within 0.2 s',
    });
  });

  it('tells request, run and task frames in a line each, child runs indented, and nothing for others', () => {
    const frame = (event: string, body: Record<string, unknown>): SseFrame => ({
      event,
      id: '1',
      data: JSON.stringify({ at: '2026-11-27T01:02:03.000Z', body }),
    });
    const progressLine = progressLines();
    expect(progressLine(frame('request', { status: 'running' }))).toBe('01:02:03 request running');
    expect(
      progressLine(frame('run', { runId: 'run_1', template: 'vm', version: 2, status: 'running' })),
    ).toBe('01:02:03 run run_1 vm@2 running');
    const child = { runId: 'run_1.job', template: 'awx-job', version: 1, parent: { runId: 'run_1' } };
    expect(progressLine(frame('run', { ...child, status: 'running' }))).toBe(
      '01:02:03   run run_1.job awx-job@1 running',
    );
    expect(
      progressLine(
        frame('task', {
          runId: 'run_1.job',
          taskKey: 'launch',
          type: 'awx.launch',
          status: 'failed',
          attempt: 2,
          error: { code: 'OO_ERR_HTTP_STATUS', message: 'answered 503' },
        }),
      ),
    ).toBe('01:02:03   task launch awx.launch failed (attempt 2) (OO_ERR_HTTP_STATUS: answered 503)');
    expect(
      progressLine(frame('request', { status: 'failed', error: { code: 'OO_ERR_X', message: 'why' } })),
    ).toBe('01:02:03 request failed (OO_ERR_X: why)');
    expect(progressLine({ event: 'error', id: undefined, data: '{"message":"x"}' })).toBeUndefined();
    expect(progressLine({ event: 'task', id: '2', data: 'not json' })).toBeUndefined();
    expect(progressLine(frame('task', { runId: 'run_1', status: 'running' }))).toBeUndefined();
  });
});

describe('reading a request that ended', () => {
  it('reads again until the read model shows the end the stream told, then gives up after the time allowed', async () => {
    const reads: string[] = [];
    const lagging = (statuses: string[]): GatewayClient => ({
      url: 'http://gateway.test',
      async call<T>(_method: string, path: string) {
        reads.push(path);
        return { requestId: 'req_1', status: statuses.shift() ?? 'running' } as T;
      },
      events: () => (async function* () {})(),
    });
    const view = await readEnded(lagging(['running', 'running', 'succeeded']), 'req_1', 'succeeded');
    expect(view.status).toBe('succeeded');
    expect(reads).toEqual(['/v1/requests/req_1', '/v1/requests/req_1', '/v1/requests/req_1']);

    const started = Date.now();
    const stale = await readEnded(lagging([]), 'req_1', 'succeeded', 300);
    expect(stale.status).toBe('running');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
