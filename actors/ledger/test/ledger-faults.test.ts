import { type ReadModel, snapshotProjections } from '@oo/read-model';
import { type ActorHandle, startActor } from '@oo/runtime';
import { type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerActor } from '../src/index.js';
import { databases, recordingLog, startPublisher, testConfig } from './fixtures/setup.js';
import { publish, story } from './fixtures/story.js';

const postgres = databases.find((d) => d.kind === 'postgres')!;

describe('ledger - database connection faults (postgres)', () => {
  const ledgerApp = `oo-ledger-test-${process.pid}`;
  let server: NatsServer;
  let readModel: ReadModel;
  let admin: ReadModel;
  let release: () => Promise<void>;
  let publisher: ActorHandle;
  beforeAll(async () => {
    server = await startNatsServer();
    ({ readModel, release } = await postgres.open({ applicationName: ledgerApp }));
    // A second pool on the same database, for the test's own statements (locks, pg_terminate_backend).
    const schema = (await readModel.db.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s;
    ({ readModel: admin } = await postgres.open({ schema, applicationName: `${ledgerApp}-admin` }));
    publisher = await startPublisher(server.url);
  });
  afterAll(async () => {
    await publisher?.stop();
    await admin?.close();
    await release?.();
    await server?.stop();
  });

  const eventCount = async () => (await admin.db.query('SELECT seq FROM events')).length;

  it('folds every event after its connections are killed mid-write, losing none', async () => {
    const { log, lines } = recordingLog();
    const ledger = await startActor(ledgerActor({ readModel }), { config: testConfig(server.url), log });
    const first = story();
    await publish(publisher, first.events);
    await waitFor(async () => (await eventCount()) === first.events.length, { what: 'first story folded' });

    // Hold the ledger's writes on a lock, so its connections are busy writing when they are killed.
    let unlock!: () => void;
    const held = new Promise<void>((resolve) => {
      unlock = resolve;
    });
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const locking = admin.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE events IN EXCLUSIVE MODE');
      locked();
      await held;
    });
    await lockTaken;
    const second = story();
    await publish(publisher, second.events);
    await waitFor(
      async () =>
        (
          await admin.db.query(
            `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
            [ledgerApp],
          )
        ).length > 0,
      { what: 'a ledger write waiting on the lock' },
    );
    const killed = await admin.db.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [ledgerApp],
    );
    expect(killed.length).toBeGreaterThan(0);
    unlock();
    await locking;

    const total = first.events.length + second.events.length;
    await waitFor(async () => (await eventCount()) === total, {
      timeoutMs: 30_000,
      what: 'second story folded',
    });
    expect((await admin.getRequest(second.requestId))?.status).toBe('succeeded');
    expect(lines().some((l) => l.msg === 'read model unavailable; will fold again')).toBe(true);
    expect(lines().filter((l) => l.msg === 'message dead-lettered')).toEqual([]);
    await ledger.stop();
    expect((await snapshotProjections(admin.db)).events).toHaveLength(total);
  });
});
