/**
 * `oo ledger rebuild` as an operator runs it: against the installation's NATS and its database (the
 * embedded PGlite in the data folder here), after the projected tables were lost.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runEventSubject, taskEventSubject } from '@oo/contracts';
import { ledgerActor } from '@oo/ledger';
import { openReadModel, type ReadModel, snapshotProjections } from '@oo/read-model';
import { defineActor, RuntimeConfig, startActor } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const oo = new URL('../bin/oo.js', import.meta.url).pathname;
const log = pino({ level: 'silent' });

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

function ooEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, ...env } = process.env;
  return { ...env, NATS_URL: server.url };
}

async function withReadModel<T>(dataDir: string, use: (readModel: ReadModel) => Promise<T>): Promise<T> {
  const readModel = await openReadModel({ dataDir, log });
  try {
    return await use(readModel);
  } finally {
    await readModel.close();
  }
}

describe('oo ledger rebuild', () => {
  it('folds the retained event stream into emptied tables again, to the tables the live ledger built', async () => {
    const data = mkdtempSync(join(tmpdir(), 'oo-ledger-'));
    const config = RuntimeConfig.parse({ nats: { url: server.url }, log: { level: 'silent' } });
    const runId = freshName('run_');
    const at = new Date().toISOString();
    const live = await withReadModel(data, async (readModel) => {
      const ledger = await startActor(ledgerActor({ readModel }), { config, log });
      const client = await startActor(defineActor({ name: freshName('client-'), version: '0.0.0' }), {
        config,
        log,
      });
      const base = { runId, template: 'diamond', version: 1 };
      await client.publish(runEventSubject('running'), { ...base, status: 'running', input: {}, at });
      for (const taskKey of ['a', 'b']) {
        const task = { runId, taskKey, type: 'noop', attempt: 1 };
        await client.publish(taskEventSubject('scheduled'), { ...task, status: 'scheduled', at });
        await client.publish(taskEventSubject('succeeded'), {
          ...task,
          status: 'succeeded',
          startedAt: at,
          at,
        });
      }
      await client.publish(runEventSubject('succeeded'), { ...base, status: 'succeeded', output: {}, at });
      await waitFor(async () => (await readModel.db.query('SELECT seq FROM events')).length === 6, {
        what: 'six events folded',
      });
      await Promise.all([ledger.stop(), client.stop()]);
      const snapshot = await snapshotProjections(readModel.db);
      await readModel.resetProjections(); // the tables are lost
      expect(await readModel.db.query('SELECT run_id FROM runs')).toEqual([]);
      return snapshot;
    });

    const { stdout } = await run(process.execPath, [oo, 'ledger', 'rebuild', '--data', data], {
      env: ooEnv(),
    });
    expect(stdout).toMatch(/^ledger rebuilt: 6 events in \d+ ms$/m);
    await withReadModel(data, async (readModel) => {
      expect(await snapshotProjections(readModel.db)).toEqual(live);
      const [task] = await readModel.db.query(
        'SELECT status FROM tasks WHERE run_id = $1 AND task_key = $2',
        [runId, 'b'],
      );
      expect(task).toEqual({ status: 'succeeded' });
    });
  });

  it('refuses a timeout that is not a whole number of minutes, naming the option', async () => {
    const data = mkdtempSync(join(tmpdir(), 'oo-ledger-'));
    const result = await run(process.execPath, [oo, 'ledger', 'rebuild', '--data', data, '--timeout', '0'], {
      env: ooEnv(),
    }).catch((e: unknown) => e);
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--timeout must be a whole number'),
    });
  });
});
