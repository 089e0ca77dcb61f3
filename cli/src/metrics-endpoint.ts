/** The process's Prometheus endpoint, when `metrics.port` (OO_METRICS_PORT) is configured. */
import { type MetricsServer, type MetricsSource, type RuntimeConfig, startMetricsServer } from '@oo/runtime';

export async function serveMetrics(
  config: Pick<RuntimeConfig, 'metrics'>,
  sources: () => readonly MetricsSource[],
): Promise<MetricsServer | undefined> {
  if (config.metrics.port === undefined) return undefined;
  return startMetricsServer({ host: config.metrics.host, port: config.metrics.port, sources });
}
