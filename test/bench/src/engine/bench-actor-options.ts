/** How every actor in the engine benchmarks is started. */
import { RuntimeConfig, type StartActorOptions } from '@oo/runtime';
import { type Logger, pino } from 'pino';

/** Logs off: a log line per task would otherwise be part of what is measured. */
export function benchActorOptions(url: string): StartActorOptions & { log: Logger } {
  const config = RuntimeConfig.parse({ nats: { url }, log: { level: 'silent' }, drainTimeoutMs: 5_000 });
  return { config, log: pino({ level: 'silent' }) };
}
