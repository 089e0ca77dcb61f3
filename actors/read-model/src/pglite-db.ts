/** `Db` over embedded PGlite: one in-process connection, so transactions queue behind each other. */
import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import type { Db, Row } from './db.js';

function txDb(tx: Transaction): Db {
  const self: Db = {
    dialect: 'pglite',
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await tx.query<T>(sql, params as unknown[])).rows;
    },
    async exec(sql) {
      await tx.exec(sql);
    },
    transaction: (fn) => fn(self),
    close: async () => undefined,
  };
  return self;
}

export function pgliteDb(db: PGliteInterface): Db {
  return {
    dialect: 'pglite',
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await db.query<T>(sql, params as unknown[])).rows;
    },
    async exec(sql) {
      await db.exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(txDb(tx))),
    close: () => db.close(),
  };
}
