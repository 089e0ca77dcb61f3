/**
 * Lets the ended entries of a bucket without a TTL go. A bucket-wide max age cannot tell an entry
 * that ended from one still waiting (a run parked for weeks, the request waiting on it), so the
 * owner says which entries ended, and a periodic pass removes those that ended more than `keepMs`
 * ago, leaving no delete markers.
 *
 * A pass lists which keys were last written before the cut-off (headers only), reads only those,
 * and removes the ones `ended` accepts. An entry's end is a write, so an entry written since the
 * cut-off is never read. Every replica may run it: removing twice removes nothing more.
 */
import type { Logger } from 'pino';
import type { ActorEnv } from './actor-env.js';
import type { Clock } from './clock.js';
import type { JsonBucket } from './json-bucket.js';
import { startPeriodicPass } from './periodic-pass.js';

export interface BucketRetentionOptions<T> {
  bucket: JsonBucket<T>;
  /** What the entries are, for the log ("runs", "requests"). */
  what: string;
  log: Logger;
  clock: Clock;
  /** Told of a pass that failed (`env.reportError`: the actor's presence shows it). */
  report?: ActorEnv['reportError'] | undefined;
  /** How long an entry is kept once it ended (ms). */
  keepMs: number;
  /** How often to look for entries to remove (ms); the first look is a minute after start. */
  intervalMs: number;
  /**
   * Whether an entry last written before `cutOff` (ms since the epoch) ended before it too and may
   * go. Only entries last written before the cut-off are asked about.
   */
  ended(value: T, cutOff: number): boolean;
  /**
   * Removes what belongs to the entry elsewhere; called before the entry itself goes, so a crash
   * in between leaves the entry to be found, and this called again, by the next pass. Must do
   * nothing when there is nothing left to remove.
   */
  removeWith?(key: string): Promise<unknown>;
  /**
   * Removes, after each pass, what outlived its entry elsewhere (kept by an entry removed before
   * `removeWith` did its part, say), given the pass's cut-off; resolves with how many things went.
   */
  removeLeftovers?(cutOff: number): Promise<number>;
}

export interface BucketRetention {
  /** Runs one pass now (tests), or joins the one running; resolves with how many entries it removed. */
  pass(): Promise<number>;
  /** Stops the timers and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** When a retention first looks, after start (ms): not in the rush of a start. */
export const RETENTION_FIRST_PASS_AFTER_MS = 60_000;

export function startBucketRetention<T>(options: BucketRetentionOptions<T>): BucketRetention {
  const { bucket, what, log, keepMs } = options;

  const pass = async (): Promise<number> => {
    const cutOff = options.clock.now() - keepMs;
    const quiet: string[] = [];
    for await (const write of bucket.writtenSince(0)) {
      if (!write.deleted && write.writtenAt <= cutOff) quiet.push(write.key);
    }
    let removed = 0;
    for (const key of quiet) {
      const entry = await bucket.get(key);
      // Quiet is not ended: a run may wait for weeks on a parked task, its request with it.
      if (!entry || !options.ended(entry.value, cutOff)) continue;
      await options.removeWith?.(key);
      // Up to the revision read: an entry written meanwhile (it did not end after all) stays.
      await bucket.expunge(key, entry.revision);
      removed++;
    }
    if (removed > 0)
      log.info({ removed, keepMs }, `removed ${what} that ended longer ago than they are kept`);
    const leftovers = (await options.removeLeftovers?.(cutOff)) ?? 0;
    if (leftovers > 0) log.info({ leftovers, keepMs }, `removed what outlived ${what} removed before`);
    return removed;
  };

  const periodic = startPeriodicPass({
    what: `removing old ${what}`,
    log,
    firstAfterMs: RETENTION_FIRST_PASS_AFTER_MS,
    intervalMs: options.intervalMs,
    pass,
    report: options.report,
  });
  return {
    pass: async () => (await periodic.now()) ?? 0,
    stop: () => periodic.stop(),
  };
}
