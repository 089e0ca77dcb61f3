import { headers as natsHeaders } from '@nats-io/transport-node';
import { DeadLetter, durableName, type ErrorData, Headers, OoError, subject } from '@oo/contracts';
import { defineActor, type HandlerOptions, on, startActor } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from './fixtures/collector.js';
import { silentLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

/** An actor counting the pings its handler sees; `handle` (default: accept) decides each one. */
async function startCountingActor(
  name: string,
  s: ReturnType<typeof testSubjects>,
  handle: () => Promise<undefined> = async () => undefined,
  options: HandlerOptions = {},
) {
  let calls = 0;
  const actor = await startActor(
    defineActor({
      name,
      version: '1.0.0',
      handlers: [
        on(
          s.ping,
          () => {
            calls++;
            return handle();
          },
          options,
        ),
      ],
    }),
    { config: testConfig(server.url), log: silentLog },
  );
  const durable = durableName(name, s.ping.name);
  return {
    handle: actor,
    calls: () => calls,
    /** Deliveries its consumer holds unacked: 0 once nothing is left looping. */
    unacked: async () => (await actor.nats.jsm.consumers.info(s.ping.stream, durable)).num_ack_pending,
  };
}

/** Fresh subjects, an actor name and a collector of that actor's dead letters. */
async function deadLetterBed() {
  const token = freshName();
  const s = testSubjects(token);
  const name = `dl-${token}`;
  const dlq = await collect(server.url, subject(`oo.dlq.${name}`, DeadLetter));
  return { s, name, dlq };
}

describe('runtime - invalid bodies go to the dead-letter subject', () => {
  it('dead-letters a body that is not JSON, with the original body and the reason, and never calls the handler', async () => {
    const { s, name, dlq } = await deadLetterBed();
    const actor = await startCountingActor(name, s);
    await actor.handle.nats.js.publish(s.ping.name, new TextEncoder().encode('{not json'));
    const [letter] = await dlq.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_MSG_INVALID_JSON');
    expect(letter?.body.body).toBe('{not json');
    expect(letter?.body.subject).toBe(s.ping.name);
    expect(actor.calls()).toBe(0);
    // Counted for the instance's presence entry, and its reason is the instance's last error.
    await expect.poll(() => actor.handle.stats.deadLettered).toBe(1);
    expect(actor.handle.stats.lastError?.code).toBe('OO_ERR_MSG_INVALID_JSON');
    await actor.handle.stop();
    await dlq.handle.stop();
  });

  it('dead-letters a body that breaks the schema, naming each failing field, once', async () => {
    const { s, name, dlq } = await deadLetterBed();
    const actor = await startCountingActor(name, s);
    const bad = JSON.stringify({ n: 'seven', extra: true });
    await actor.handle.nats.js.publish(s.ping.name, new TextEncoder().encode(bad));
    // A valid message published after it proves the consumer moved on instead of looping.
    await actor.handle.publish(s.ping, { n: 1 });
    const [letter] = await dlq.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_MSG_SCHEMA');
    const issues = (letter?.body.error.details?.issues ?? []) as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['n', '']));
    expect(letter?.body.error.message).toMatch(/n: /);
    expect(letter?.body.deliveries).toBe(1);
    await expect.poll(() => actor.calls()).toBe(1);
    await expect.poll(actor.unacked).toBe(0);
    expect(dlq.items).toHaveLength(1);
    await actor.handle.stop();
    await dlq.handle.stop();
  });

  it('keeps the headers of a dead-lettered message but for the identity token', async () => {
    const { s, name, dlq } = await deadLetterBed();
    const actor = await startCountingActor(name, s);
    const signed = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    const headers = natsHeaders();
    headers.set(Headers.principal, signed);
    headers.set(Headers.requestId, 'req-1');
    await actor.handle.nats.js.publish(s.ping.name, new TextEncoder().encode('{not json'), { headers });
    const [letter] = await dlq.waitFor(1);
    expect(letter?.body.headers[Headers.principal]).toEqual(['[redacted]']);
    expect(letter?.body.headers[Headers.requestId]).toEqual(['req-1']);
    expect(JSON.stringify(letter?.body)).not.toContain(signed);
    await actor.handle.stop();
    await dlq.handle.stop();
  });

  it('dead-letters a body of a newer schema version than the consumer knows', async () => {
    const { s, name, dlq } = await deadLetterBed();
    const actor = await startCountingActor(name, s);
    const newer = subject(s.ping.name, s.ping.schema, { version: 2 });
    await actor.handle.publish(newer, { n: 3 });
    const [letter] = await dlq.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_MSG_SCHEMA_VERSION');
    expect(letter?.body.headers['oo-schema']).toEqual([`${s.ping.name}@2`]);
    expect(actor.calls()).toBe(0);
    await actor.handle.stop();
    await dlq.handle.stop();
  });
  it('dead-letters a body too large to be quoted whole in the dead letter, once, and moves on', async () => {
    const { s, name, dlq } = await deadLetterBed();
    const actor = await startCountingActor(name, s);
    // Not JSON, and every quote doubles in the dead letter's JSON: the letter would pass max_payload.
    const max = actor.handle.nats.nc.info?.max_payload ?? 1_048_576;
    const huge = new TextEncoder().encode('"'.repeat(max - 4_096));
    await actor.handle.nats.js.publish(s.ping.name, huge);
    await actor.handle.publish(s.ping, { n: 1 });
    const [letter] = await dlq.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_MSG_INVALID_JSON');
    expect(letter?.body.error.details?.bodyBytes).toBe(huge.length);
    expect(letter?.body.body.length).toBeLessThan(huge.length);
    await expect.poll(() => actor.calls()).toBe(1);
    await expect.poll(actor.unacked).toBe(0);
    await actor.handle.stop();
    await dlq.handle.stop();
  });
  it.each([
    ['a retry-after that is not a whole number of ms', { retryAfterMs: 1_500.5 }],
    ['a negative retry-after', { retryAfterMs: -20 }],
    ['details that are not JSON', { details: { id: 10n } }],
  ])(
    'dead-letters a failure whose error cannot cross the bus as it is (%s), once',
    async (_what, options) => {
      const { s, name, dlq } = await deadLetterBed();
      const actor = await startCountingActor(name, s, async () => {
        throw new OoError('OO_ERR_HANDLER_FAILED', 'refused for good', { retryable: false, ...options });
      });
      await actor.handle.publish(s.ping, { n: 1 });
      const [letter] = await dlq.waitFor(1);
      expect(letter?.body.error).toMatchObject({
        code: 'OO_ERR_HANDLER_FAILED',
        message: 'refused for good',
      });
      expect(actor.calls()).toBe(1);
      await expect.poll(actor.unacked).toBe(0);
      await actor.handle.stop();
      await dlq.handle.stop();
    },
  );
});

describe('runtime - a handler hears of the bodies refused before it', () => {
  /** An onRefused hook recording what it was told, or throwing when `fail` is set. */
  function refusedHook(fail = false) {
    const told: Array<{ requestId: string | undefined; error: ErrorData }> = [];
    const onRefused: HandlerOptions['onRefused'] = async (ctx, error) => {
      told.push({ requestId: ctx.requestId, error });
      if (fail) throw new Error('hook broke');
    };
    return { told, onRefused };
  }

  it('calls onRefused with the schema issues of a refused body, then dead-letters it', async () => {
    const { s, name, dlq } = await deadLetterBed();
    const hook = refusedHook();
    const actor = await startCountingActor(name, s, undefined, { onRefused: hook.onRefused });
    const headers = natsHeaders();
    headers.set(Headers.requestId, 'req-refused-1');
    await actor.handle.nats.js.publish(s.ping.name, JSON.stringify({ n: 'seven' }), { headers });
    const [letter] = await dlq.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_MSG_SCHEMA');
    // The hook runs before the dead letter goes out.
    expect(hook.told).toEqual([
      {
        requestId: 'req-refused-1',
        error: expect.objectContaining({
          code: 'OO_ERR_MSG_SCHEMA',
          details: { issues: [{ path: 'n', message: expect.any(String) }] },
        }),
      },
    ]);
    expect(actor.calls()).toBe(0);
    await actor.handle.stop();
    await dlq.handle.stop();
  });

  it('calls onRefused for a body that is not JSON', async () => {
    const { s, name, dlq } = await deadLetterBed();
    const hook = refusedHook();
    const actor = await startCountingActor(name, s, undefined, { onRefused: hook.onRefused });
    await actor.handle.nats.js.publish(s.ping.name, new TextEncoder().encode('{not json'));
    await dlq.waitFor(1);
    expect(hook.told.map((t) => t.error.code)).toEqual(['OO_ERR_MSG_INVALID_JSON']);
    await actor.handle.stop();
    await dlq.handle.stop();
  });

  it('dead-letters a refused body once when onRefused throws, and moves on', async () => {
    const { s, name, dlq } = await deadLetterBed();
    const hook = refusedHook(true);
    const actor = await startCountingActor(name, s, undefined, { onRefused: hook.onRefused });
    await actor.handle.nats.js.publish(s.ping.name, JSON.stringify({ n: 'seven' }));
    await actor.handle.publish(s.ping, { n: 1 });
    const [letter] = await dlq.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_MSG_SCHEMA');
    expect(letter?.body.deliveries).toBe(1);
    await expect.poll(() => actor.calls()).toBe(1);
    await expect.poll(actor.unacked).toBe(0);
    expect(hook.told).toHaveLength(1);
    expect(dlq.items).toHaveLength(1);
    await actor.handle.stop();
    await dlq.handle.stop();
  });

  it('keeps a refused message its own while a slow onRefused runs past the ack wait', async () => {
    const { s, name, dlq } = await deadLetterBed();
    const hook = refusedHook();
    const slow: HandlerOptions['onRefused'] = async (ctx, error) => {
      await hook.onRefused?.(ctx, error);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
    };
    const actor = await startCountingActor(name, s, undefined, { onRefused: slow, ackWaitMs: 1_000 });
    await actor.handle.nats.js.publish(s.ping.name, JSON.stringify({ n: 'seven' }));
    const [letter] = await dlq.waitFor(1);
    expect(letter?.body.deliveries).toBe(1);
    await expect.poll(actor.unacked).toBe(0);
    expect(hook.told).toHaveLength(1); // not redelivered to a second hook meanwhile
    await actor.handle.stop();
    await dlq.handle.stop();
  });

  it('does not call onRefused for a body of a newer schema version', async () => {
    const { s, name, dlq } = await deadLetterBed();
    const hook = refusedHook();
    const actor = await startCountingActor(name, s, undefined, { onRefused: hook.onRefused });
    await actor.handle.publish(subject(s.ping.name, s.ping.schema, { version: 2 }), { n: 3 });
    const [letter] = await dlq.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_MSG_SCHEMA_VERSION');
    expect(hook.told).toEqual([]);
    await actor.handle.stop();
    await dlq.handle.stop();
  });
});
