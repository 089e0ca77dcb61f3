/**
 * The installation's NATS for one-off commands (`oo status`, `oo dlq`): `NATS_URL` and the other
 * keys as the actors read them, else the running `oo up`'s in the data folder.
 */
import { resolve } from 'node:path';
import { connectNats, loadConfig, type Nats, provisionAll } from '@oo/runtime';
import { OO_ENV_KEYS, OoConfig } from './oo-config.js';
import { readUpFile } from './up-file.js';

/** Connects as `client`, provisions (idempotent: the streams and buckets are there to read before any actor started), and closes after `use`. */
export async function withInstallationNats<T>(
  data: string,
  client: string,
  use: (nats: Nats, url: string, config: OoConfig) => Promise<T>,
): Promise<T> {
  const up = readUpFile(resolve(data));
  const env = { ...process.env, ...(process.env.NATS_URL || !up ? {} : { NATS_URL: up.nats }) };
  const config = loadConfig(OoConfig, { env, envKeys: OO_ENV_KEYS });
  const nats = await connectNats(config.nats, client);
  try {
    await provisionAll(nats);
    return await use(nats, config.nats.url, config);
  } finally {
    await nats.nc.close();
  }
}
