/**
 * Process lifecycle for `oo up` and `oo actor`: on SIGTERM or SIGINT, stop every actor (each drains
 * its in-flight work), flush spans, and exit 0. A second signal exits at once with 1.
 */
import type { Logger } from 'pino';
import type { ActorHandle } from './actor-host.js';
import type { Telemetry } from './telemetry.js';

export function stopOnSignals(
  handles: () => readonly Pick<ActorHandle, 'stop' | 'name'>[],
  telemetry: Pick<Telemetry, 'shutdown'> | undefined,
  log: Logger,
  extra: () => Promise<void> = async () => undefined,
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping: draining in-flight work');
    void (async () => {
      await Promise.allSettled(handles().map((h) => h.stop()));
      await extra().catch((err: unknown) => log.error({ err }, 'error while stopping'));
      await telemetry?.shutdown().catch(() => undefined);
      log.info('stopped');
      process.exit(0);
    })();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
