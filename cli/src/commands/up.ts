/**
 * `oo up`: the whole system in one process on embedded defaults — a private nats-server (unless
 * NATS_URL is set), every actor with its own connection — then `<data>/up.json` and a table of
 * what runs where. Ctrl-C drains everything and stops the private server.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OoError } from '@oo/contracts';
import { type ActorHandle, loadConfig, startActor, startTelemetry, stopOnSignals } from '@oo/runtime';
import { type NatsServer, startNatsServer } from '@oo/test-harness';
import { pino } from 'pino';
import { ActorRegistry } from '../actor-registry.js';
import { findOnPath } from '../find-binary.js';
import { OO_ENV_KEYS, OoConfig } from '../oo-config.js';
import { writeUpFile } from '../up-file.js';

export interface UpOptions {
  data: string;
}

export async function up(options: UpOptions): Promise<void> {
  const dataDir = resolve(options.data);
  mkdirSync(dataDir, { recursive: true });
  const config = loadConfig(OoConfig, {
    env: { ...process.env, OO_DATA_DIR: dataDir },
    envKeys: OO_ENV_KEYS,
  });
  const log = pino({ level: config.log.level });
  const rows: Array<[string, string]> = [];

  let natsServer: NatsServer | undefined;
  if (process.env.NATS_URL) {
    rows.push(['nats', `${config.nats.url} (external, from NATS_URL)`]);
  } else {
    const bin = findOnPath('nats-server');
    if (!bin) {
      throw new OoError(
        'OO_ERR_NATS_SERVER_MISSING',
        'nats-server was not found on PATH. Install it with `apt-get install nats-server` (Debian), or set NATS_URL to a running server.',
      );
    }
    natsServer = await startNatsServer({ bin, storeDir: join(dataDir, 'nats') });
    config.nats.url = natsServer.url;
    rows.push([
      'nats',
      `${natsServer.url} (private nats-server, JetStream data in ${join(dataDir, 'nats')})`,
    ]);
  }

  const telemetry = startTelemetry({
    serviceName: config.telemetry.serviceName,
    otlpEndpoint: config.telemetry.otlpEndpoint,
  });
  rows.push([
    'traces',
    config.telemetry.otlpEndpoint
      ? `OTLP to ${config.telemetry.otlpEndpoint}`
      : 'recorded, not exported (set OTEL_EXPORTER_OTLP_ENDPOINT)',
  ]);

  const handles: ActorHandle[] = [];
  stopOnSignals(
    () => handles,
    telemetry,
    log,
    async () => {
      await natsServer?.stop();
    },
  );
  for (const [name, load] of Object.entries(ActorRegistry)) {
    const handle = await startActor(await load(config), { config, tracer: telemetry.tracer, log });
    handles.push(handle);
    rows.push([`actor ${name}`, `instance ${handle.instance}`]);
  }

  const upFile = writeUpFile(dataDir, {
    nats: config.nats.url,
    pid: process.pid,
    startedAt: new Date().toISOString(),
  });
  rows.push(['up file', upFile]);
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    `OO is up.\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\nCtrl-C stops everything.\n`,
  );
}
