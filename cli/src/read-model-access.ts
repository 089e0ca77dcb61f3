/**
 * Opening the installation's read model from a one-off command (`oo token create`, `oo ledger
 * rebuild`): PostgreSQL when `database.url` is set, else the embedded PGlite in the data folder —
 * which has a single owner, so not while `oo up` runs on it.
 */
import { OoError } from '@oo/contracts';
import { openReadModel, type ReadModel } from '@oo/read-model';
import { pino } from 'pino';
import type { OoConfig } from './oo-config.js';
import { readUpFile } from './up-file.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** @throws OoError OO_ERR_CONFIG_INVALID when `oo up` holds the embedded database */
export async function openCommandReadModel(config: OoConfig, dataDir: string): Promise<ReadModel> {
  const up = readUpFile(dataDir);
  if (!config.database.url && up && alive(up.pid)) {
    throw new OoError(
      'OO_ERR_CONFIG_INVALID',
      `oo up (pid ${up.pid}) holds the embedded database in ${dataDir}; stop it first, or set DATABASE_URL (its admin token is in up.json)`,
    );
  }
  return openReadModel({
    ...(config.database.url ? { databaseUrl: config.database.url } : { dataDir }),
    log: pino({ level: 'warn' }),
  });
}
