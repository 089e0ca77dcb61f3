/** `Db` over a `pg` Pool: each transaction holds one pooled connection from BEGIN to COMMIT. */
import type pg from 'pg';
import type { Db, Row } from './db.js';

function clientDb(client: pg.PoolClient): Db {
  const self: Db = {
    dialect: 'postgres',
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await client.query<T>(sql, params as unknown[])).rows;
    },
    async exec(sql) {
      await client.query(sql);
    },
    transaction: (fn) => fn(self),
    close: async () => undefined,
  };
  return self;
}

export function pgDb(pool: pg.Pool): Db {
  return {
    dialect: 'postgres',
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await pool.query<T>(sql, params as unknown[])).rows;
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      // A checked-out client has no pool listener: a backend killed between two statements would
      // otherwise emit an unhandled 'error' and take the process down. The failing query reports it.
      const ignore = () => undefined;
      client.on('error', ignore);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(clientDb(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: Error) => {
          broken = rollbackErr;
        });
        throw err;
      } finally {
        client.off('error', ignore);
        // A connection that cannot even roll back is dead: the pool must not hand it out again.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
