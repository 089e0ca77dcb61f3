import type { ErrorData, RequestEvent, TaskEvent } from '@oo/contracts';
import type { ReadModel } from '@oo/read-model';
import { type ActorHandle, startActor } from '@oo/runtime';
import { type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ledgerActor } from '../src/index.js';
import { databases, PG_URL, silentLog, startPublisher, testConfig } from './fixtures/setup.js';
import { COMMIT, publish, type StoryEvent, story } from './fixtures/story.js';

describe.each(databases)('ledger ($kind)', (database) => {
  let server: NatsServer;
  let readModel: ReadModel;
  let release: () => Promise<void>;
  let publisher: ActorHandle;
  beforeAll(async () => {
    server = await startNatsServer();
    ({ readModel, release } = await database.open());
    publisher = await startPublisher(server.url);
  });
  afterAll(async () => {
    await publisher?.stop();
    await release?.();
    await server?.stop();
  });

  const startLedger = () =>
    startActor(ledgerActor({ readModel }), { config: testConfig(server.url), log: silentLog });

  /** Resolves once `count` events of the request are in the read model. */
  const folded = (requestId: string, count: number) =>
    waitFor(async () => (await readModel.requestEvents(requestId)).length >= count, {
      timeoutMs: 20_000,
      what: `${count} events of ${requestId} in the read model`,
    });

  it('folds run, task and request events published on NATS into the read model', async () => {
    const ledger = await startLedger();
    const s = story();
    await publish(publisher, s.events);
    await folded(s.requestId, s.events.length);
    const view = await readModel.getRequest(s.requestId);
    expect(view).toMatchObject({
      status: 'succeeded',
      submittedBy: s.submittedBy,
      runId: s.runId,
      commits: [{ repo: COMMIT.repo, commit: COMMIT.commit }],
      outputs: { done: true },
    });
    expect(view?.runs).toEqual([
      expect.objectContaining({
        runId: s.runId,
        status: 'succeeded',
        tasks: [
          expect.objectContaining({ id: 'commit', type: 'rfm.commit', status: 'succeeded', attempts: 1 }),
        ],
      }),
    ]);
    // The events keep their stream order: the SSE replay shows them as they happened.
    const seqs = (await readModel.requestEvents(s.requestId)).map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await ledger.stop();
  });

  it('keeps the facts of events whose text PostgreSQL cannot store, with U+FFFD in its place', async () => {
    const ledger = await startLedger();
    const s = story();
    // As a runner may copy it from an HTTP answer: a NUL, a lone surrogate, and six harmless characters.
    const error: ErrorData = {
      code: 'OO_ERR_AWX_JOB_FAILED',
      message: 'AWX said a\u0000b, \ud800 and \\u0000',
      retryable: false,
      details: { 'body\u0000': '\udc00' },
    };
    const kept = { message: 'AWX said a\ufffdb, \ufffd and \\u0000', details: { 'body\ufffd': '\ufffd' } };
    const at = new Date(Date.UTC(2025, 0, 1, 0, 9)).toISOString();
    const running = { task: s.events[4]!.event as TaskEvent, request: s.events[1]!.event as RequestEvent };
    const events: StoryEvent[] = [
      ...s.events.slice(0, 5),
      { kind: 'task', event: { ...running.task, status: 'failed', error, at } },
      {
        kind: 'request',
        event: {
          ...running.request,
          status: 'failed',
          fileUrl: 'https://files.test/a\u0000b',
          output: { note: 'a\u0000' },
          error,
          at,
        },
      },
    ];
    await publish(publisher, events);
    await folded(s.requestId, events.length);
    const view = await readModel.getRequest(s.requestId);
    expect(view).toMatchObject({
      status: 'failed',
      fileUrl: 'https://files.test/a\ufffdb',
      outputs: { note: 'a\ufffd' },
      error: kept,
    });
    expect(view?.runs[0]?.tasks[0]).toMatchObject({ status: 'failed', error: kept });
    await ledger.stop();
  });

  it('folds a request refused for its body: rejected without a body, every reason kept, audited', async () => {
    const ledger = await startLedger();
    const s = story();
    // As the requests actor answers a submit its schema refused: an unknown key is the sender's text.
    const reasons = [
      { path: 'resources.0.cpu', message: 'Invalid input: expected number, received string' },
      { path: 'resources.0', message: 'Unrecognized key: "c\u0000lor"' },
    ];
    const rejected: RequestEvent = {
      requestId: s.requestId,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      status: 'rejected',
      submittedBy: s.submittedBy,
      reasons,
      at: new Date(Date.UTC(2025, 0, 1)).toISOString(),
    };
    await publish(publisher, [{ kind: 'request', event: rejected }]);
    await folded(s.requestId, 1);
    expect(await readModel.getRequest(s.requestId)).toMatchObject({
      status: 'rejected',
      resources: [],
      runId: null,
      reasons: [reasons[0], { path: 'resources.0', message: 'Unrecognized key: "c\ufffdlor"' }],
    });
    const trail = await readModel.listAudit({ target: s.requestId, action: 'request.submit' });
    expect(trail.items.map((e) => e.details)).toEqual([{ outcome: 'rejected' }]);
    await ledger.stop();
  });

  it("folds a request's end only once its run's end is folded, as a reader must see them", async () => {
    const ledger = await startLedger();
    onTestFinished(() => ledger.stop());
    const s = story();
    const runEnd = s.events.findIndex((e) => e.kind === 'run' && e.event.status === 'succeeded');
    const [runSucceeded] = s.events.splice(runEnd, 1);
    // The request's end is published first, its run's end a moment later (folded on another consumer).
    await publish(publisher, s.events.slice(0, -1));
    await waitFor(async () => (await readModel.getRequest(s.requestId))?.status === 'running');
    const seen: string[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const view = await readModel.getRequest(s.requestId);
        seen.push(`request ${view?.status}, run ${view?.runs[0]?.status}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await publish(publisher, s.events.slice(-1));
    await new Promise((resolve) => setTimeout(resolve, 600));
    await publish(publisher, [runSucceeded!]);
    // Until the reader itself sees the end: a read it began before the last fold may answer after
    // another read saw it (seen once in CI).
    await waitFor(() => seen.at(-1) === 'request succeeded, run succeeded');
    reading = false;
    await reader;
    // Never the request ended beside its run running; the other way round for a moment, as it happens.
    expect(seen).not.toContain('request succeeded, run running');
    expect(seen).toContain('request running, run running');
    expect(seen.at(-1)).toBe('request succeeded, run succeeded');
  });

  it("folds a request's end all the same when its run's end never comes", async () => {
    const ledger = await startLedger();
    onTestFinished(() => ledger.stop());
    const s = story();
    await publish(
      publisher,
      s.events.filter((e) => !(e.kind === 'run' && e.event.status === 'succeeded')),
    );
    await waitFor(async () => (await readModel.getRequest(s.requestId))?.status === 'succeeded', {
      timeoutMs: 20_000,
    });
    expect((await readModel.getRequest(s.requestId))?.runs[0]?.status).toBe('running');
  });

  it('catches up on the events published while it was stopped', async () => {
    const s = story();
    const ledger = await startLedger();
    await publish(publisher, s.events.slice(0, 3));
    await folded(s.requestId, 3);
    await ledger.stop();
    await publish(publisher, s.events.slice(3));
    expect((await readModel.getRequest(s.requestId))?.status).toBe('running');
    const restarted = await startLedger();
    await folded(s.requestId, s.events.length);
    expect((await readModel.getRequest(s.requestId))?.status).toBe('succeeded');
    await restarted.stop();
  });
});

describe('ledger - its own read model', () => {
  it('opens a read model from database settings at start and closes it at stop', async () => {
    const server = await startNatsServer();
    onTestFinished(() => server.stop());
    const { readModel: reader, release } = await databases[0]!.open();
    onTestFinished(release);
    const schema = (await reader.db.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s;
    const publisher = await startPublisher(server.url);
    onTestFinished(() => publisher.stop());
    const applicationName = `oo-ledger-own-${process.pid}`;
    const ledger = await startActor(
      ledgerActor({ database: { databaseUrl: PG_URL, schema, applicationName } }),
      {
        config: testConfig(server.url),
        log: silentLog,
      },
    );
    const s = story();
    await publish(publisher, s.events);
    await waitFor(async () => (await reader.getRequest(s.requestId))?.status === 'succeeded', {
      what: 'the request folded by the ledger',
    });
    await ledger.stop();
    // A closed connection's backend leaves pg_stat_activity a moment after the socket closes.
    await waitFor(
      async () =>
        (
          await reader.db.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
            applicationName,
          ])
        ).length === 0,
      { what: "the ledger's connections closed" },
    );
  });
});
