/**
 * `oo ledger rebuild`: empties the read model's projected tables and folds the whole retained event
 * stream into them again (see @oo/ledger rebuild.ts). Run it against the installation's NATS and
 * database (NATS_URL, DATABASE_URL, or the config file); the live ledger may keep running.
 */
import { resolve } from 'node:path';
import { OoError } from '@oo/contracts';
import { rebuildLedger } from '@oo/ledger';
import { pino } from 'pino';
import { loadOoConfig } from '../oo-config.js';
import { openCommandReadModel } from '../read-model-access.js';

export interface LedgerRebuildOptions {
  data: string;
  timeoutMinutes: string;
}

export async function ledgerRebuild(options: LedgerRebuildOptions): Promise<void> {
  const minutes = Number(options.timeoutMinutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1_440) {
    throw new OoError('OO_ERR_CONFIG_INVALID', '--timeout must be a whole number of minutes from 1 to 1440');
  }
  const dataDir = resolve(options.data);
  const config = loadOoConfig(dataDir);
  const readModel = await openCommandReadModel(config, dataDir);
  try {
    const result = await rebuildLedger({
      readModel,
      config,
      log: pino({ level: config.log.level }),
      timeoutMs: minutes * 60_000,
    });
    process.stdout.write(`ledger rebuilt: ${result.events} events in ${result.durationMs} ms\n`);
  } finally {
    await readModel.close();
  }
}
