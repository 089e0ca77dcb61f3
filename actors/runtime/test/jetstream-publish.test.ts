import { JetStreamApiError, StorageType } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { type NatsServer, startNatsServer } from '@oo/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { connectNats, type Nats } from '../src/connection.js';
import { jetStreamPublisher } from '../src/jetstream-publish.js';

let server: NatsServer | undefined;
let nats: Nats | undefined;
afterEach(async () => {
  await nats?.nc.close();
  await server?.stop();
  nats = undefined;
  server = undefined;
});

async function setUp() {
  server = await startNatsServer();
  nats = await connectNats({ url: server.url }, 'jetstream-publish-test');
  await nats.jsm.streams.add({ name: 'JP', subjects: ['jp.>'], storage: StorageType.File });
  return nats;
}

const body = (text: string) => new TextEncoder().encode(text);
const withHeader = (name: string, value: string) => {
  const h = headers();
  h.set(name, value);
  return h;
};

describe('runtime - JetStream publish with acks on one subscription', () => {
  it('answers each of many publishes in flight with its own ack, as the stream stored them', async () => {
    const { publish, jsm } = await setUp();
    const acks = await Promise.all(Array.from({ length: 500 }, (_, i) => publish('jp.many', body(`m${i}`))));
    expect(new Set(acks.map((a) => a.seq)).size).toBe(500);
    expect(acks.every((a) => a.stream === 'JP' && !a.duplicate)).toBe(true);
    // Each ack names the sequence its own message got.
    for (const i of [0, 137, 499]) {
      const stored = await jsm.streams.getMessage('JP', { seq: acks[i]!.seq });
      expect(stored && new TextDecoder().decode(stored.data)).toBe(`m${i}`);
    }
  });

  it('reports a repeated Nats-Msg-Id as a duplicate of the first, not stored again', async () => {
    const { publish } = await setUp();
    const first = await publish('jp.dedupe', body('x'), withHeader('Nats-Msg-Id', 'run1.a.1'));
    const again = await publish('jp.dedupe', body('x'), withHeader('Nats-Msg-Id', 'run1.a.1'));
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ stream: 'JP', seq: first.seq, duplicate: true });
  });

  it("rejects a stream's refusal as a JetStreamApiError with its code (wrong last sequence)", async () => {
    const { publish } = await setUp();
    const { seq } = await publish('jp.cas', body('1'));
    const stale = publish(
      'jp.cas',
      body('2'),
      withHeader('Nats-Expected-Last-Subject-Sequence', String(seq + 5)),
    );
    await expect(stale).rejects.toBeInstanceOf(JetStreamApiError);
    await expect(stale).rejects.toMatchObject({ code: 10071 });
    const next = await publish(
      'jp.cas',
      body('2'),
      withHeader('Nats-Expected-Last-Subject-Sequence', String(seq)),
    );
    expect(next.seq).toBeGreaterThan(seq);
  });

  it('rejects a publish no stream takes with NoResponders', async () => {
    const { publish } = await setUp();
    await expect(publish('nowhere.at.all', body('x'))).rejects.toMatchObject({
      name: 'NoResponders',
      message: expect.stringContaining('nowhere.at.all'),
    });
  });

  it('times out publishes the server never answers, and works again once it is back', async () => {
    const { nc } = await setUp();
    const publish = jetStreamPublisher(nc, 300);
    await publish('jp.t', body('before'));
    await server!.kill();
    const lost = publish('jp.t', body('during'));
    await expect(lost).rejects.toMatchObject({ name: 'TimeoutError' });
    await server!.restart();
    await expect
      .poll(
        () =>
          publish('jp.t', body('after')).then(
            (a) => a.stream,
            () => 'no ack',
          ),
        {
          timeout: 15_000,
          interval: 500,
        },
      )
      .toBe('JP');
  });

  it('rejects what is in flight when the connection closes', async () => {
    const { nc } = await setUp();
    const publish = jetStreamPublisher(nc, 10_000);
    await server!.kill(); // nothing will answer: the publish waits until the close
    const pending = publish('jp.c', body('x'));
    await nc.close();
    await expect(pending).rejects.toMatchObject({ name: 'ClosedConnectionError' });
  });
});
