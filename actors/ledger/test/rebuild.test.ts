import { type ReadModel, snapshotProjections } from '@oo/read-model';
import { type ActorHandle, type RuntimeConfig, startActor } from '@oo/runtime';
import { type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerActor, rebuildLedger } from '../src/index.js';
import { databases, silentLog, startPublisher, testConfig } from './fixtures/setup.js';
import { publish, story } from './fixtures/story.js';

describe.each(databases)('ledger rebuild ($kind)', (database) => {
  let server: NatsServer;
  let config: RuntimeConfig;
  let readModel: ReadModel;
  let release: () => Promise<void>;
  let publisher: ActorHandle;
  let published = 0;
  beforeAll(async () => {
    server = await startNatsServer();
    config = testConfig(server.url);
    ({ readModel, release } = await database.open());
    publisher = await startPublisher(server.url);
  });
  afterAll(async () => {
    await publisher?.stop();
    await release?.();
    await server?.stop();
  });

  async function publishStories(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const s = story();
      await publish(publisher, s.events);
      published += s.events.length;
    }
  }

  const allFolded = () =>
    waitFor(async () => (await readModel.db.query('SELECT seq FROM events')).length === published, {
      timeoutMs: 20_000,
      what: `${published} events folded`,
    });

  const startLedger = () => startActor(ledgerActor({ readModel }), { config, log: silentLog });
  const rebuild = () => rebuildLedger({ readModel, config, log: silentLog, pollMs: 50 });

  it('rebuilds from the stream, twice, the very tables the live ledger built', async () => {
    const ledger = await startLedger();
    await publishStories(3);
    await allFolded();
    await ledger.stop();
    const live = await snapshotProjections(readModel.db);

    expect(await rebuild()).toMatchObject({ events: published });
    expect(await snapshotProjections(readModel.db)).toEqual(live);
    expect(await rebuild()).toMatchObject({ events: published });
    expect(await snapshotProjections(readModel.db)).toEqual(live);
  });

  it('rebuilds while the live ledger folds new events, ending where a quiet rebuild does', async () => {
    const ledger = await startLedger();
    await Promise.all([rebuild(), publishStories(2)]);
    await allFolded();
    await ledger.stop();
    const busy = await snapshotProjections(readModel.db);

    await rebuild();
    expect(await snapshotProjections(readModel.db)).toEqual(busy);
  });
});
