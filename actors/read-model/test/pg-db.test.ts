import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransientDbError, type ReadModel } from '../src/index.js';
import { adminQuery, databases } from './fixtures/databases.js';

const postgres = databases.find((d) => d.kind === 'postgres')!;

describe('read model connections (postgres)', () => {
  const applicationName = `oo-read-model-test-${process.pid}`;
  let readModel: ReadModel;
  let release: () => Promise<void>;
  beforeAll(async () => {
    ({ readModel, release } = await postgres.open({ applicationName }));
  });
  afterAll(() => release());

  const terminateAll = () =>
    adminQuery<{ pid: number }>(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = $1 AND pid <> pg_backend_pid()`,
      [applicationName],
    );

  it('opens fresh connections after its connections were terminated', async () => {
    await readModel.recordAudit({ principal: 'p', action: 'before', target: 't' });
    expect((await terminateAll()).length).toBeGreaterThan(0);
    // The pool may still hand out a connection whose termination it has not noticed: that one
    // query fails (transiently); the pool drops the connection and the next query succeeds.
    await expect
      .poll(
        () =>
          readModel.recordAudit({ principal: 'p', action: 'after', target: 't' }).catch((err: unknown) => {
            if (!isTransientDbError(err)) throw err;
            return 'transient failure';
          }),
        { timeout: 10_000 },
      )
      .toBe(true);
  });

  it('reports a statement on a terminated connection as transient', async () => {
    const failure = await readModel.db
      .transaction(async (tx) => {
        await tx.query('SELECT 1');
        await terminateAll();
        await tx.query('SELECT 1');
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(isTransientDbError(failure)).toBe(true);
    expect(await readModel.db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});

describe('database error classification', () => {
  it.each([
    ['a refused connection', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }],
    ['an administrator shutdown', { code: '57P01', message: 'terminating connection' }],
    ['a connection failure', { code: '08006', message: 'connection failure' }],
    ['a deadlock', { code: '40P01', message: 'deadlock detected' }],
    ['pg losing its connection', new Error('Connection terminated unexpectedly')],
  ])('waits out %s', (_what, err) => {
    expect(isTransientDbError(err)).toBe(true);
  });

  it.each([
    ['a unique violation', { code: '23505', message: 'duplicate key' }],
    ['a syntax error', { code: '42601', message: 'syntax error' }],
    ['a bug', new TypeError('x is undefined')],
  ])('does not wait out %s', (_what, err) => {
    expect(isTransientDbError(err)).toBe(false);
  });
});
