/**
 * Opening the installation's read model from a one-off command (`oo token create`, `oo ledger
 * rebuild`): PostgreSQL when `database.url` is set, else the embedded PGlite in the data folder —
 * which has a single owner, so not while `oo up` runs on it.
 */
import { OoError } from '@oo/contracts';
import { isTransientDbError, openReadModel, type ReadModel } from '@oo/read-model';
import { type Logger, pino } from 'pino';
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
  return openInstallationReadModel(config, dataDir, pino({ level: 'warn' }));
}

/** A connection URL fit to print: its password, if any, masked. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a URL that does not parse)';
  }
}

/** SQLSTATEs that say the URL is wrong rather than a statement: no such database, login refused. */
const URL_SQLSTATE = /^(3D000|28000|28P01)$/;

/**
 * The read model of an installation: PostgreSQL at `database.url`, else the embedded PGlite in the
 * data folder. A server that cannot be reached, a database that does not exist or a login refused
 * fails naming the key (and the URL without its password), not with the driver's stack.
 */
export async function openInstallationReadModel(
  config: OoConfig,
  dataDir: string,
  log: Logger,
): Promise<ReadModel> {
  const url = config.database.url;
  if (!url) return openReadModel({ dataDir, log });
  try {
    return await openReadModel({ databaseUrl: url, log });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (!isTransientDbError(err) && !(typeof code === 'string' && URL_SQLSTATE.test(code))) throw err;
    throw new OoError(
      'OO_ERR_CONFIG_INVALID',
      `cannot open the read model in PostgreSQL at ${redactDatabaseUrl(url)} (database.url, DATABASE_URL): ${(err as Error).message}`,
      { cause: err },
    );
  }
}
