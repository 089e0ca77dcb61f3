import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  BucketNames,
  EngineSubjects,
  EXAMPLE_VM,
  Headers,
  idSchema,
  NotifySubjects,
  RequestSubjects,
  requestEventSubject,
} from '@oo/contracts';
import { principalTokens } from '@oo/runtime';
import { waitFor } from '@oo/test-harness';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  alice,
  dlq,
  FILESTORE_URL,
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

describe('requests - submit', () => {
  it('publishes accepted with the template, a run id and the request file URL', async () => {
    const accepted = await bus.collect(requestEventSubject('accepted'));
    const sent = await bus.submit(validBody, { requestId: 'req_gateway1' });
    const [event] = await accepted.waitFor(1);
    expect(event?.body).toMatchObject({
      requestId: 'req_gateway1',
      traceId: sent.traceId,
      status: 'accepted',
      submittedBy: 'alice',
      template: 'vm-unmanaged',
      fileUrl: `${FILESTORE_URL}/v1/files/requests/req_gateway1.json`,
      body: { resources: [{ ...EXAMPLE_VM, count: 1 }], managed: false, catalogItem: 'rhel-vm' },
    });
    expect(event?.body.runId).toMatch(/^run_/);
  });

  it('assigns a req_ id when the submit carries none', async () => {
    const accepted = await bus.collect(requestEventSubject('accepted'));
    await bus.submit(validBody);
    const [event] = await accepted.waitFor(1);
    expect(idSchema('req').safeParse(event?.body.requestId).success).toBe(true);
    expect(event?.ctx.requestId).toBe(event?.body.requestId);
  });

  it('stores the request file with the body in the files object store', async () => {
    const accepted = await bus.collect(requestEventSubject('accepted'));
    const sent = await bus.submit(validBody, { requestId: 'req_file1' });
    await accepted.waitFor(1);
    const files = await bus.client.nats.objm.open('files');
    const info = await files.info('requests/req_file1.json');
    const file = JSON.parse(
      new TextDecoder().decode((await files.getBlob('requests/req_file1.json')) ?? undefined),
    );
    expect(file).toEqual({
      requestId: 'req_file1',
      traceId: sent.traceId,
      submittedBy: 'alice',
      submittedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      body: {
        resources: [{ ...EXAMPLE_VM, count: 1 }],
        managed: false,
        catalogItem: 'rhel-vm',
        notify: ['alice@example.com'],
      },
    });
    expect(info?.metadata?.['content-type']).toBe('application/json');
  });

  it('sends the accepted notice to the configured and the requested addresses', async () => {
    const notices = await bus.collect(NotifySubjects.email);
    const sent = await bus.submit(validBody, { requestId: 'req_notice1' });
    const [notice] = await notices.waitFor(1);
    expect(notice?.body).toMatchObject({
      to: ['ops@example.com', 'alice@example.com'],
      requestId: 'req_notice1',
      traceId: sent.traceId,
      kind: 'accepted',
    });
    expect(notice?.body.text).toContain('req_notice1');
    expect(notice?.body.text).toContain(sent.traceId);
    expect(notice?.body.text).toContain('alice');
    expect(notice?.body.subject).toContain('rhel9 on INTRANET_DEV');
  });

  it('starts exactly one run when the same submit is published twice', async () => {
    const starts = await bus.collect(EngineSubjects.start);
    await bus.submit(validBody, { requestId: 'req_twice1' });
    await bus.submit(validBody, { requestId: 'req_twice1' });
    const [start] = await starts.waitFor(1);
    await bus.settled(RequestSubjects.submit);
    expect(await bus.count(EngineSubjects.start)).toBe(1);
    expect(start?.body).toMatchObject({
      template: 'vm-unmanaged',
      requestId: 'req_twice1',
      input: {
        requestId: 'req_twice1',
        fileUrl: `${FILESTORE_URL}/v1/files/requests/req_twice1.json`,
        resources: [{ ...EXAMPLE_VM, count: 1 }],
        managed: false,
        submittedBy: 'alice',
      },
    });
  });

  it('only marks a half-dispatched request whose run has reported when its submit comes again late', async () => {
    // As if the first delivery died after starting the run, before marking the record, and the actor
    // came back after the run had ended and after JetStream's duplicate window (shortened here, once
    // every actor of the test has started: starting one provisions the streams as contracts say).
    const starts = await bus.collect(EngineSubjects.start);
    const { jsm, kvm } = bus.client.nats;
    const announced = [requestEventSubject('accepted'), NotifySubjects.email, EngineSubjects.start];
    const WINDOW_MS = 100; // the server's least
    for (const stream of new Set(announced.map((s) => s.stream))) {
      const { config } = await jsm.streams.info(stream);
      await jsm.streams.update(stream, { ...config, duplicate_window: WINDOW_MS * 1_000_000 });
    }
    await bus.submit(validBody, { requestId: 'req_halfway1' });
    await starts.waitFor(1);
    await bus.settled(RequestSubjects.submit);
    const settledAt = Date.now();
    const records = await kvm.open(BucketNames.requests);
    const record = (await records.get('req_halfway1'))?.json<Record<string, unknown>>();
    await records.put('req_halfway1', JSON.stringify({ ...record, status: 'succeeded', dispatched: false }));
    // The server forgets ids on a timer: give it the window twice over.
    await waitFor(() => Date.now() - settledAt > 2 * WINDOW_MS, { what: 'the duplicate window to pass' });

    await bus.submit(validBody, { requestId: 'req_halfway1' });
    await bus.settled(RequestSubjects.submit);
    expect((await records.get('req_halfway1'))?.json()).toMatchObject({
      status: 'succeeded',
      dispatched: true,
    });
    for (const target of announced) expect(await bus.count(target)).toBe(1);
  });

  it('rejects a request with several problems in one event listing every reason, and starts nothing', async () => {
    const rejected = await bus.collect(requestEventSubject('rejected'));
    const dns = {
      type: 'dns_record',
      zone: 'intranet.example',
      name: 'www',
      recordType: 'A',
      value: '10.0.0.1',
    } as const;
    await bus.submit(
      { resources: [EXAMPLE_VM, dns], managed: true, catalogItem: 'windows-vm' },
      { requestId: 'req_bad1' },
    );
    const [event] = await rejected.waitFor(1);
    expect(event?.body).toMatchObject({ requestId: 'req_bad1', status: 'rejected', submittedBy: 'alice' });
    expect(event?.body.reasons).toEqual([
      { path: 'catalogItem', message: expect.stringContaining('"windows-vm" is not in the catalog') },
      {
        path: 'resources.1.type',
        message: expect.stringContaining('is dns_record but resources.0 is virtual_machine'),
      },
      { path: 'resources.1.type', message: expect.stringContaining('dns_record cannot be managed') },
    ]);
    await bus.settled(RequestSubjects.submit);
    expect(await bus.count(EngineSubjects.start)).toBe(0);
  });

  it('dead-letters a submit without a principal', async () => {
    const letters = await bus.collect(dlq);
    await bus.submit(validBody, { token: null, requestId: 'req_anon1' });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_AUTH_MISSING');
    expect(letter?.body.subject).toBe(RequestSubjects.submit.name);
    expect(await bus.count(requestEventSubject('rejected'))).toBe(0);
  });

  it('dead-letters a submit whose principal is signed with another key', async () => {
    const letters = await bus.collect(dlq);
    const forged = await principalTokens(`${SECRET}-but-not-ours`).mint({ sub: 'mallory', role: 'admin' });
    await bus.submit(validBody, { token: forged, requestId: 'req_forged1' });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_AUTH_INVALID');
    await bus.settled(RequestSubjects.submit);
    expect(await bus.count(EngineSubjects.start)).toBe(0);
  });

  it('dead-letters a submit published on NATS with a NUL in a field, naming it, and starts no run', async () => {
    const letters = await bus.collect(dlq);
    // As any NATS client may publish it: the typed publisher would refuse this body before sending.
    const headers = natsHeaders();
    headers.set(Headers.principal, await tokens.mint(alice));
    headers.set(Headers.requestId, 'req_nul1');
    const body = { ...validBody, resources: [{ ...EXAMPLE_VM, tags: { owner: 'web\u0000' } }] };
    await bus.client.nats.js.publish(RequestSubjects.submit.name, JSON.stringify(body), { headers });
    const [letter] = await letters.waitFor(1);
    expect(letter?.body.error.code).toBe('OO_ERR_MSG_SCHEMA');
    expect(letter?.body.error.message).toContain('resources.0.tags.owner: must not contain U+0000 (NUL)');
    await bus.settled(RequestSubjects.submit);
    expect(await bus.count(EngineSubjects.start)).toBe(0);
    expect(await bus.count(requestEventSubject('accepted'))).toBe(0);
  });

  it('accepts a submit from a service principal', async () => {
    const accepted = await bus.collect(requestEventSubject('accepted'));
    await bus.submit(validBody, { token: await tokens.mint({ sub: 'monitoring', role: 'service' }) });
    const [event] = await accepted.waitFor(1);
    expect(event?.body.submittedBy).toBe('monitoring');
  });
});
