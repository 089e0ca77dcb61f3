/**
 * deploy/nats/single.conf with auth.conf on a real nats-server: actors connect as `oo` with
 * NATS_USER/NATS_PASSWORD and may do everything; a `requester` machine may submit requests and hear
 * their events, and is refused everything else by the server itself.
 */
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { OoError, RequestSubjects } from '@oo/contracts';
import { type ActorHandle, defineActor, on, RuntimeConfig, startActor } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

const singleConf = new URL('../../../deploy/nats/single.conf', import.meta.url).pathname;
const ACTOR_PASSWORD = `actor${freshName()}`;
const REQUESTER_PASSWORD = `requester${freshName()}`;
const REQUESTER_INBOX = '_INBOX_requester';

let server: NatsServer;
let url: string;

beforeAll(async () => {
  server = await startNatsServer({
    config: {
      file: singleConf,
      env: { OO_NATS_ACTOR_PASSWORD: ACTOR_PASSWORD, OO_NATS_REQUESTER_PASSWORD: REQUESTER_PASSWORD },
    },
  });
  url = server.url;
});

afterAll(() => server.stop());

function actorConfig(password = ACTOR_PASSWORD): RuntimeConfig {
  return RuntimeConfig.parse({
    nats: { url, user: 'oo', password },
    log: { level: 'silent' },
    drainTimeoutMs: 5_000,
  });
}

/** Resolves with the error a denied operation ends with (or fails the test if it succeeds). */
async function refusal(operation: Promise<unknown>): Promise<string> {
  return operation.then(
    () => {
      throw new Error('expected the server to refuse this');
    },
    (err: unknown) => (err as Error).message,
  );
}

describe('deploy/nats: single server with users and permissions', { timeout: 30_000 }, () => {
  let relay: ActorHandle;
  let requester: NatsConnection;

  beforeAll(async () => {
    const token = freshName();
    const s = testSubjects(token);
    // The actor user provisions every stream and bucket and runs a handler end to end.
    relay = await startActor(
      defineActor({
        name: `auth-${token}`,
        version: '1.0.0',
        handlers: [
          on(s.ping, async (ctx, body) => void (await ctx.publish(s.pong, { n: body.n, by: 'relay' }))),
        ],
      }),
      { config: actorConfig(), log: silentLog },
    );
    requester = await connect({
      servers: url,
      user: 'requester',
      pass: REQUESTER_PASSWORD,
      inboxPrefix: REQUESTER_INBOX,
    });
  });

  afterAll(async () => {
    await requester?.close();
    await relay?.stop();
  });

  it('lets actors in as `oo` with NATS_USER/NATS_PASSWORD, and no one without a password', async () => {
    const token = freshName();
    const s = testSubjects(token);
    const sent = await relay.publish(s.ping, { n: 1 });
    expect(sent.seq).toBeGreaterThan(0);
    await expect(connect({ servers: url })).rejects.toThrow(/Authorization Violation/);
    const wrong = await startActor(defineActor({ name: 'auth-wrong', version: '1.0.0' }), {
      config: actorConfig('not-the-password'),
      log: silentLog,
    }).catch((err: unknown) => err);
    expect(wrong).toBeInstanceOf(OoError);
    expect((wrong as OoError).code).toBe('OO_ERR_NATS_UNAVAILABLE');
    expect((wrong as OoError).message).toMatch(/Authorization Violation/);
    expect((wrong as OoError).message).not.toContain('not-the-password');
  });

  it('lets a requester submit requests on JetStream and hear request events', async () => {
    const ack = await jetstream(requester).publish(RequestSubjects.submit.name, '{"resources":[]}', {
      msgID: `auth-${freshName()}`,
    });
    expect(ack.stream).toBe('OO_CMD');
    const stored = await relay.nats.jsm.streams.getMessage('OO_CMD', { seq: ack.seq });
    expect(stored?.subject).toBe(RequestSubjects.submit.name);

    const heard: string[] = [];
    const sub = requester.subscribe('oo.evt.request.>', {
      callback: (_err, msg) => {
        heard.push(msg.subject);
      },
    });
    await requester.flush();
    relay.nats.nc.publish('oo.evt.request.accepted', '{}');
    await expect.poll(() => heard, { timeout: 10_000 }).toEqual(['oo.evt.request.accepted']);
    sub.unsubscribe();
  });

  it('refuses a requester everything else: engine commands, tasks, events, buckets, shared inboxes', async () => {
    const js = jetstream(requester, { timeout: 2_000 });
    expect(await refusal(js.publish('oo.cmd.engine.start', '{}'))).toMatch(
      /Permissions Violation for Publish/,
    );
    expect(await refusal(js.publish('oo.task.noop', '{}'))).toMatch(/Permissions Violation for Publish/);
    expect(await refusal(js.publish('oo.evt.run.succeeded', '{}'))).toMatch(
      /Permissions Violation for Publish/,
    );

    const taskEvents = requester.subscribe('oo.evt.task.>');
    expect(String(await taskEvents.closed)).toMatch(/Permissions Violation for Subscription/);

    const runs = await new Kvm(requester).open('runs');
    expect(await refusal(runs.get('any'))).toMatch(/Permissions Violation for Publish to "\$JS\.API/);
    expect(await refusal(runs.put('any', '{}'))).toMatch(/Permissions Violation for Publish to "\$KV\.runs/);

    // Without its own inbox prefix the replies would arrive on the shared _INBOX.>, which it may not read.
    const plain = await connect({ servers: url, user: 'requester', pass: REQUESTER_PASSWORD });
    try {
      const publish = jetstream(plain, { timeout: 2_000 }).publish(RequestSubjects.submit.name, '{}');
      expect(await refusal(publish)).toMatch(/Permissions Violation for Subscription to "_INBOX\./);
    } finally {
      await plain.close();
    }
  });
});
