import { defineActor, on, readDeadLetters, startActor } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

describe('runtime - logging', () => {
  it('binds trace_id, span_id and request_id to every log line a handler writes', async () => {
    const { lines, log } = capturedLog();
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
      { config: testConfig(server.url), log },
    );
    const sent = await actor.publish(s.ping, { n: 1 }, { ids: { requestId: 'req_log' } });
    await done;
    const line = lines.find((l) => l.msg === 'handling ping');
    expect(line).toMatchObject({ trace_id: sent.traceId, request_id: 'req_log', actor: `log-${token}` });
    expect(line?.span_id).toMatch(/^[0-9a-f]{16}$/);
    await actor.stop();
  });

  it('writes the first ten dead-letter warnings of a kind a minute, then how many more it held back', async () => {
    const { lines, log } = capturedLog();
    const token = freshName();
    const s = testSubjects(token);
    const name = `flood-${token}`;
    const actor = await startActor(
      defineActor({ name, version: '1.0.0', handlers: [on(s.ping, async () => undefined)] }),
      { config: testConfig(server.url), log },
    );
    // A publisher sending garbage: thirty bodies that are not JSON.
    for (let i = 0; i < 30; i++) await actor.nats.js.publish(s.ping.name, `garbage ${i}`);
    await waitFor(
      async () => (await readDeadLetters(actor.nats, { actor: name, limit: 100 })).letters.length === 30,
    );
    await actor.stop();
    expect(lines.filter((l) => l.msg === 'message dead-lettered')).toHaveLength(10);
    expect(lines.filter((l) => typeof l.held === 'number')).toEqual([
      expect.objectContaining({ level: 40, subject: s.ping.name, code: 'OO_ERR_MSG_INVALID_JSON', held: 20 }),
    ]);
  });
});
