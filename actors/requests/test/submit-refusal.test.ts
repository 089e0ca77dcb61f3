import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  BucketNames,
  type DeadLetter,
  EngineSubjects,
  EXAMPLE_VM,
  Headers,
  RequestSubjects,
  requestEventSubject,
} from '@oo/contracts';
import { principalTokens } from '@oo/runtime';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collector } from './fixtures/collector.js';
import {
  alice,
  dlq,
  type RequestBus,
  startRequestBus,
  telemetry,
  tokens,
  validBody,
} from './fixtures/request-bus.js';
import { SECRET } from './fixtures/setup.js';

let bus: RequestBus;
beforeEach(async () => {
  bus = await startRequestBus();
});
afterEach(() => bus.stop());
afterAll(() => telemetry.shutdown());

const rejected = requestEventSubject('rejected');

/** Wrong type, unknown field, NUL: the schema refuses it in three places. */
const refusedBody = {
  ...validBody,
  resources: [{ ...EXAMPLE_VM, cpu: 'two', color: 'blue', tags: { owner: 'web\u0000' } }],
};

/**
 * Publishes a submit as any NATS client may (the typed publisher would refuse the body before
 * sending): `token` null for none, `requestId` undefined for no header.
 */
async function rawSubmit(
  body: unknown,
  options: { requestId?: string; token?: string | null } = {},
): Promise<void> {
  const headers = natsHeaders();
  const token = options.token === undefined ? await tokens.mint(alice) : options.token;
  if (token !== null) headers.set(Headers.principal, token);
  if (options.requestId !== undefined) headers.set(Headers.requestId, options.requestId);
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  await bus.client.nats.js.publish(RequestSubjects.submit.name, data, { headers });
}

/**
 * The refusal hook runs before the dead letter is published, and the event (if any) is stored
 * before it: once the letter is here, the stream says for good whether an event went out.
 */
async function deadLetteredWithoutEvent(letters: Collector<DeadLetter>) {
  const [letter] = await letters.waitFor(1);
  expect(letter?.body.error.code).toBe('OO_ERR_MSG_SCHEMA');
  expect(await bus.count(rejected)).toBe(0);
}

describe('requests - a submit refused for its body', () => {
  it('is answered with a rejected event naming each field, and still dead-lettered', async () => {
    const events = await bus.collect(rejected);
    const letters = await bus.collect(dlq);
    await rawSubmit(refusedBody, { requestId: 'req_refused1' });
    const [event] = await events.waitFor(1);
    expect(event?.body).toMatchObject({
      requestId: 'req_refused1',
      status: 'rejected',
      submittedBy: 'alice',
    });
    expect(event?.body.body).toBeUndefined();
    expect(event?.ctx.requestId).toBe('req_refused1');
    expect(event?.body.reasons).toEqual(
      expect.arrayContaining([
        { path: 'resources.0.cpu', message: expect.stringContaining('number') },
        { path: 'resources.0', message: expect.stringContaining('color') },
        { path: 'resources.0.tags.owner', message: 'must not contain U+0000 (NUL)' },
      ]),
    );
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_MSG_SCHEMA');
    expect(letter?.body.headers[Headers.requestId]).toEqual(['req_refused1']);
  });

  it('is answered for a body that is not JSON', async () => {
    const events = await bus.collect(rejected);
    await rawSubmit('{"resources": [', { requestId: 'req_refused2' });
    const [event] = await events.waitFor(1);
    expect(event?.body.reasons).toEqual([
      { path: '(request)', message: expect.stringContaining('body is not JSON') },
    ]);
  });

  it('spends its id: a valid submit under it afterwards starts nothing', async () => {
    const events = await bus.collect(rejected);
    await rawSubmit(refusedBody, { requestId: 'req_refused3' });
    await events.waitFor(1);
    await bus.submit(validBody, { requestId: 'req_refused3' });
    await bus.settled(RequestSubjects.submit);
    expect(await bus.count(requestEventSubject('accepted'))).toBe(0);
    expect(await bus.count(EngineSubjects.start)).toBe(0);
    expect(await bus.count(rejected)).toBe(1);
  });

  it('is only dead-lettered when it names no request id', async () => {
    const letters = await bus.collect(dlq);
    await rawSubmit(refusedBody);
    await deadLetteredWithoutEvent(letters);
  });

  it('is only dead-lettered when its principal is signed with another key', async () => {
    const letters = await bus.collect(dlq);
    const forged = await principalTokens(`${SECRET}-but-not-ours`).mint(alice);
    await rawSubmit(refusedBody, { requestId: 'req_forged2', token: forged });
    await deadLetteredWithoutEvent(letters);
    expect(await (await bus.client.nats.kvm.open(BucketNames.requests)).get('req_forged2')).toBeNull();
  });

  it('is only dead-lettered when it carries no principal', async () => {
    const letters = await bus.collect(dlq);
    await rawSubmit(refusedBody, { requestId: 'req_anon2', token: null });
    await deadLetteredWithoutEvent(letters);
  });

  it('changes nothing of a request already taken in under its id', async () => {
    const accepted = await bus.collect(requestEventSubject('accepted'));
    const letters = await bus.collect(dlq);
    await bus.submit(validBody, { requestId: 'req_taken1' });
    await accepted.waitFor(1);
    await bus.settled(RequestSubjects.submit);
    await rawSubmit(refusedBody, { requestId: 'req_taken1' });
    await deadLetteredWithoutEvent(letters);
    const records = await bus.client.nats.kvm.open(BucketNames.requests);
    expect((await records.get('req_taken1'))?.json()).toMatchObject({
      status: 'accepted',
      body: { catalogItem: 'rhel-vm' },
    });
  });
});
