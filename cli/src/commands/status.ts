/** `oo status`: the presence table — every actor instance alive now. */
import { resolve } from 'node:path';
import { BucketNames, PresenceEntry } from '@oo/contracts';
import { connectNats, jsonBucket, loadConfig, provisionAll, readPresence } from '@oo/runtime';
import { OO_ENV_KEYS, OoConfig } from '../oo-config.js';
import { textTable } from '../text-table.js';
import { readUpFile } from '../up-file.js';

export function presenceTable(entries: readonly PresenceEntry[], now = Date.now()): string {
  const header = ['ACTOR', 'INSTANCE', 'HOST', 'PID', 'IN-FLIGHT', 'HANDLED', 'FAILED', 'SEEN', 'LAST ERROR'];
  const rows = entries.map((e) => [
    e.actor,
    e.instance,
    e.host,
    String(e.pid),
    String(e.inFlight),
    String(e.handled),
    String(e.failed),
    `${Math.max(0, Math.round((now - Date.parse(e.heartbeatAt)) / 1000))}s ago`,
    e.lastError ? `${e.lastError.code}` : '',
  ]);
  return textTable(header, rows);
}

export async function status(options: { data: string }): Promise<void> {
  const up = readUpFile(resolve(options.data));
  const env = { ...process.env, ...(process.env.NATS_URL || !up ? {} : { NATS_URL: up.nats }) };
  const config = loadConfig(OoConfig, { env, envKeys: OO_ENV_KEYS });
  const nats = await connectNats(config.nats, 'oo-status');
  try {
    // Provisioning is idempotent; it makes `oo status` work before any actor has started.
    await provisionAll(nats);
    const bucket = jsonBucket(await nats.kvm.open(BucketNames.presence), BucketNames.presence, PresenceEntry);
    const entries = await readPresence(bucket);
    process.stdout.write(
      entries.length === 0
        ? `no actor instances alive on ${config.nats.url}\n`
        : `${presenceTable(entries)}\n`,
    );
  } finally {
    await nats.nc.close();
  }
}
