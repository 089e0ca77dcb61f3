/** `oo actor <name>`: one actor alone, for real deployments (many processes, many machines). */
import { OoError } from '@oo/contracts';
import { type ActorHandle, loadConfig, startActor, startTelemetry, stopOnSignals } from '@oo/runtime';
import { pino } from 'pino';
import { ActorRegistry, actorNames } from '../actor-registry.js';
import { serveMetrics } from '../metrics-endpoint.js';
import { OO_ENV_KEYS, OoConfig } from '../oo-config.js';
import { sharedResources } from '../shared-resources.js';

export async function actor(name: string): Promise<void> {
  const load = ActorRegistry[name];
  if (!load) {
    throw new OoError('OO_ERR_CONFIG_INVALID', `unknown actor "${name}"; known: ${actorNames().join(', ')}`);
  }
  const config = loadConfig(OoConfig, { envKeys: OO_ENV_KEYS });
  const log = pino({ level: config.log.level });
  const telemetry = startTelemetry({
    serviceName: `${config.telemetry.serviceName}-${name}`,
    otlpEndpoint: config.telemetry.otlpEndpoint,
  });
  const shared = sharedResources(config, log);
  const handles: ActorHandle[] = [];
  let metrics: Awaited<ReturnType<typeof serveMetrics>>;
  // Listening before the actor starts: a supervisor that stops it as soon as it says "actor started"
  // (systemd, a test) must find the handler there, or the signal kills it without a drain.
  stopOnSignals(
    () => handles,
    telemetry,
    log,
    async () => {
      await metrics?.close();
      await shared.close();
    },
  );
  handles.push(await startActor(await load(config, shared), { config, tracer: telemetry.tracer, log }));
  metrics = await serveMetrics(config, () => handles);
  if (metrics) log.info({ url: metrics.url }, 'metrics served');
}
