import { Writable } from 'node:stream';
import { defineActor, on, startActor } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer } from '@oo/test-harness';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

describe('runtime - logging', () => {
  it('binds trace_id, span_id and request_id to every log line a handler writes', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    const token = freshName();
    const s = testSubjects(token);
    let handled!: () => void;
    const done = new Promise<void>((r) => {
      handled = r;
    });
    const actor = await startActor(
      defineActor({
        name: `log-${token}`,
        version: '1.0.0',
        handlers: [
          on(s.ping, async (ctx) => {
            ctx.log.info('handling ping');
            handled();
            return undefined;
          }),
        ],
      }),
      { config: testConfig(server.url), log: pino({ level: 'info' }, sink) },
    );
    const sent = await actor.publish(s.ping, { n: 1 }, { ids: { requestId: 'req_log' } });
    await done;
    const line = lines.find((l) => l.msg === 'handling ping');
    expect(line).toMatchObject({ trace_id: sent.traceId, request_id: 'req_log', actor: `log-${token}` });
    expect(line?.span_id).toMatch(/^[0-9a-f]{16}$/);
    await actor.stop();
  });
});
