/**
 * `oo up`: the whole system in one process on embedded defaults — a private nats-server (unless
 * NATS_URL is set), embedded PostgreSQL (PGlite, unless DATABASE_URL is set), the AWX and TFE
 * simulators (unless real endpoints are configured, and then said plainly), and every actor with
 * its own connection. Then `<data>/up.json` and a table of what runs where. Ctrl-C drains it all.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InventoryConfig } from '@oo/gateway/options';
import { type ActorHandle, startActor, startTelemetry, stopOnSignals } from '@oo/runtime';
import {
  startAciSimulator,
  startAwxSimulator,
  startTfeSimulator,
  startVcenterSimulator,
} from '@oo/simulators';
import { type NatsServer, startNatsServer } from '@oo/test-harness';
import { pino } from 'pino';
import { ActorRegistry } from '../actor-registry.js';
import { ensureAuthSecret } from '../auth-secret.js';
import { GIT, NATS_SERVER, toolBinary } from '../install-tool.js';
import { serveMetrics } from '../metrics-endpoint.js';
import { loadOoConfig } from '../oo-config.js';
import { sharedResources } from '../shared-resources.js';
import { upLogDestination } from '../terminal-log.js';
import { type UpFile, writeUpFile } from '../up-file.js';

export interface UpOptions {
  data: string;
  /** Install missing system packages (nats-server) with apt-get when root; default true. */
  install?: boolean;
}

export async function up(options: UpOptions): Promise<void> {
  const dataDir = resolve(options.data);
  mkdirSync(dataDir, { recursive: true });
  const config = loadOoConfig(dataDir);
  const log = pino({ level: config.log.level }, upLogDestination());
  const rows: Array<[string, string]> = [];
  const stops: Array<() => Promise<void>> = [];

  const install = {
    install: options.install !== false,
    say: (line: string) => process.stderr.write(`oo up: ${line}\n`),
  };
  const natsBin = process.env.NATS_URL ? undefined : toolBinary(NATS_SERVER, install);
  // The rfm actor commits resource files with git: a machine without it would fail every request.
  toolBinary(GIT, install);
  let natsServer: NatsServer | undefined;
  /** The private server's row, told later when its disk is short. */
  let privateNatsRow: [string, string] | undefined;
  if (natsBin === undefined) {
    rows.push(['nats', `${config.nats.url} (external, from NATS_URL)`]);
  } else {
    natsServer = await startNatsServer({ bin: natsBin, storeDir: join(dataDir, 'nats') });
    config.nats.url = natsServer.url;
    privateNatsRow = [
      'nats',
      `${natsServer.url} (private nats-server, JetStream data in ${join(dataDir, 'nats')})`,
    ];
    rows.push(privateNatsRow);
  }
  config.auth.secret = ensureAuthSecret(dataDir, config.auth.secret);
  rows.push([
    'database',
    config.database.url ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${join(dataDir, 'pglite')}`,
  ]);

  if (!config.notify.smtp) {
    // Without SMTP every notice becomes an .eml file; give it a recipient so there is one to read.
    if (config.notify.defaultTo.length === 0) config.notify.defaultTo = ['requests@oo.example'];
    rows.push(['mail', `no SMTP configured: notices written as .eml files to ${join(dataDir, 'mail')}`]);
  }
  const simulators: NonNullable<UpFile['simulators']> = {};
  if (!config.awx.url) {
    const awx = await startAwxSimulator({ port: 0 });
    stops.push(() => awx.stop());
    config.awx.url = awx.url;
    config.awx.token = awx.token;
    simulators.awx = awx.url;
    rows.push(['awx', `${awx.url} — SIMULATED (no AWX_URL configured)`]);
  } else rows.push(['awx', config.awx.url]);
  if (!config.tfe.url) {
    const tfe = await startTfeSimulator({ port: 0, organization: config.tfe.organization });
    stops.push(() => tfe.stop());
    config.tfe.url = tfe.url;
    config.tfe.token = tfe.token;
    simulators.tfe = tfe.url;
    rows.push(['tfe', `${tfe.url} — SIMULATED (no TFE_URL configured)`]);
  } else rows.push(['tfe', config.tfe.url]);
  if (!config.gateway.inventory) {
    // The gateway reads the inventory admins choose the placement matrix from: a simulated vCenter
    // for clusters and datastores, and a simulated APIC for the networks (its EPGs), as a site whose
    // networks Cisco ACI manages has it.
    const vcenter = await startVcenterSimulator({ port: 0 });
    stops.push(() => vcenter.stop());
    const apic = await startAciSimulator({ port: 0 });
    stops.push(() => apic.stop());
    config.gateway.inventory = InventoryConfig.parse({
      vcenter: { url: vcenter.url, username: vcenter.username, password: vcenter.password },
      aci: { url: apic.url, username: apic.username, password: apic.password },
    });
    simulators.vcenter = vcenter.url;
    simulators.apic = apic.url;
    rows.push([
      'vcenter',
      `${vcenter.url} — SIMULATED inventory (no VCENTER_URL or gateway.inventory configured)`,
    ]);
    rows.push(['apic', `${apic.url} — SIMULATED networks, its EPGs (no gateway.inventory configured)`]);
  } else {
    const { file, vcenter, aci } = config.gateway.inventory;
    rows.push(['inventory', vcenter ? `vCenter ${vcenter.url}` : `file ${file}`]);
    if (aci) rows.push(['networks', `APIC ${aci.url}`]);
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

  const shared = sharedResources(config, log);
  const handles: ActorHandle[] = [];
  stopOnSignals(
    () => handles,
    telemetry,
    log,
    async () => {
      await shared.close();
      for (const stop of stops) await stop().catch(() => undefined);
      await natsServer?.stop();
    },
  );
  for (const [name, load] of Object.entries(ActorRegistry)) {
    const handle = await startActor(await load(config, shared), { config, tracer: telemetry.tracer, log });
    handles.push(handle);
    rows.push([`actor ${name}`, `instance ${handle.instance}`]);
  }
  const share = handles[0]?.storageShare ?? 1;
  if (share < 1 && privateNatsRow) {
    privateNatsRow[1] += `; little free disk there: the streams are kept at 1/${1 / share} of their sizes`;
  }
  if (shared.urls.filestore) rows.push(['filestore', shared.urls.filestore]);
  const metrics = await serveMetrics(config, () => handles);
  if (metrics) {
    stops.push(() => metrics.close());
    rows.push(['metrics', `${metrics.url} (Prometheus)`]);
  }

  const up: UpFile = { nats: config.nats.url, pid: process.pid, startedAt: new Date().toISOString() };
  if (shared.urls.gateway) {
    up.gateway = shared.urls.gateway;
    const token = await (await shared.readModel()).createToken({ name: 'oo-up-admin', role: 'admin' });
    up.adminToken = token.secret;
    rows.push(['gateway', `${shared.urls.gateway} (OpenAPI: /openapi.json, docs: /docs)`]);
    rows.push(['web UI', `${shared.urls.gateway}/ui/ (sign in with the admin token)`]);
    rows.push(['admin token', `${token.secret} (also in up.json)`]);
  }
  if (Object.keys(simulators).length > 0) up.simulators = simulators;
  if (metrics) up.metrics = metrics.url;
  rows.push(['up file', writeUpFile(dataDir, up)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    `OO is up.\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\nCtrl-C stops everything.\n`,
  );
}
