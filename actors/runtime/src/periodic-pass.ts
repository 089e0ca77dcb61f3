/**
 * A pass an actor runs on a timer (a retention, a reconciler): first `firstAfterMs` after start, then
 * every `intervalMs`. One process never runs two at once: a tick while a pass runs joins it. A pass
 * that throws is logged and resolves undefined; the next tick tries again. The timers are unref'd.
 * A pass that failed because NATS was out of reach (a server restart) is a warning, not an error:
 * nothing is broken, and the next pass runs once the connection is back. Any other failure is also
 * told to `report` (the actor's `env.reportError`), so its presence entry shows it.
 */
import { toOoError } from '@oo/contracts';
import type { Logger } from 'pino';
import type { ActorEnv } from './actor-env.js';
import { isNatsUnreachable } from './nats-unreachable.js';

export interface PeriodicPassOptions<T> {
  /** What the pass does, for the log ("removing old runs"). */
  what: string;
  log: Logger;
  /** Delay before the first pass (ms). */
  firstAfterMs: number;
  /** Delay between passes (ms). */
  intervalMs: number;
  pass(): Promise<T>;
  /** Told of a pass that failed other than for NATS out of reach (`env.reportError`). */
  report?: ActorEnv['reportError'] | undefined;
}

/**
 * Tells `report` (an actor's `env.reportError`) that `what` failed with `err`, as the actor's
 * presence shows it: `<what> failed: <message>`, under the error's code.
 */
export function reportFailure(report: ActorEnv['reportError'] | undefined, what: string, err: unknown): void {
  const { code, message } = toOoError(err);
  report?.({ code, message: `${what} failed: ${message}` });
}

export interface PeriodicPass<T> {
  /** Runs a pass now (tests), or joins the one running; undefined when it failed (logged). */
  now(): Promise<T | undefined>;
  /** Stops the timers and waits for a pass in progress. */
  stop(): Promise<void>;
}

export function startPeriodicPass<T>(options: PeriodicPassOptions<T>): PeriodicPass<T> {
  let running: Promise<T | undefined> | undefined;
  const now = () => {
    running ??= options
      .pass()
      .catch((err: unknown) => {
        if (isNatsUnreachable(err)) {
          options.log.warn(
            { err },
            `${options.what} failed: NATS is out of reach; the next pass (in ${options.intervalMs / 1000} s) tries again`,
          );
        } else {
          options.log.error({ err }, `${options.what} failed`);
          reportFailure(options.report, options.what, err);
        }
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const first = setTimeout(now, options.firstAfterMs);
  first.unref();
  const timer = setInterval(now, options.intervalMs);
  timer.unref();
  return {
    now,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
