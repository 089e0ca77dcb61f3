/** `oo status`: the presence table — every actor instance alive now — and each one's last error. */
import { BucketNames, PresenceEntry } from '@oo/contracts';
import { jsonBucket, openBucket, readPresence } from '@oo/runtime';
import { elapsedText } from '@oo/web/elapsed';
import { json } from '../command-io.js';
import { withInstallationNats } from '../installation-nats.js';
import { printable } from '../terminal-text.js';
import { textTable } from '../text-table.js';

export function presenceTable(entries: readonly PresenceEntry[], now = Date.now()): string {
  const header = [
    'ACTOR',
    'INSTANCE',
    'HOST',
    'PID',
    'IN-FLIGHT',
    'HANDLED',
    'FAILED',
    'DEAD-LETTERED',
    'SEEN',
    'LAST ERROR',
  ];
  const rows = entries.map((e) => [
    e.actor,
    e.instance,
    e.host,
    String(e.pid),
    String(e.inFlight),
    String(e.handled),
    String(e.failed),
    String(e.deadLettered ?? 0),
    `${elapsedText(e.heartbeatAt, now)} ago`,
    e.lastError ? `${e.lastError.code}` : '',
  ]);
  // The code fits the table; what happened is in the message, one line per instance below it.
  const errors = entries.flatMap((e) =>
    e.lastError
      ? [
          `  ${e.actor} ${e.instance}, ${elapsedText(e.lastError.at, now)} ago: ${printable(
            `${e.lastError.code} ${e.lastError.message}`,
          )}`,
        ]
      : [],
  );
  const table = textTable(header, rows);
  return errors.length === 0 ? table : `${table}\n\nlast errors:\n${errors.join('\n')}`;
}

export async function status(options: { data: string; json?: boolean }): Promise<void> {
  await withInstallationNats(options.data, 'oo-status', async (nats, url) => {
    const presence = await openBucket(nats, BucketNames.presence);
    const bucket = jsonBucket(presence, BucketNames.presence, PresenceEntry, {}, nats);
    const entries = await readPresence(bucket);
    // As GET /v1/presence answers, for a script or a monitoring system.
    if (options.json) process.stdout.write(json({ items: entries }));
    else if (entries.length === 0) process.stdout.write(`no actor instances alive on ${url}\n`);
    else process.stdout.write(`${presenceTable(entries)}\n`);
  });
}
