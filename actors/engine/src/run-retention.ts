/**
 * Lets ended runs go. The `runs` and `run_segments` buckets have no TTL (a run may wait for weeks
 * with its head unwritten), so without this they would keep every run ever: the reconciler's first
 * sweep would read more at every start, and the store would only grow. A run that ended more than
 * `keepMs` ago (30 days by default: as long as the events stream, task variables and large outputs
 * are kept, and so as long as a `resume` can use it) has its head and its segments removed, with no
 * delete markers left behind. The read model (PostgreSQL) keeps its history.
 *
 * A pass lists which heads were last written before the cut-off (headers only), reads only those,
 * and removes the ones that ended. Every replica may run it: removing twice removes nothing more.
 */
import type { Clock, JsonBucket } from '@oo/runtime';
import type { Logger } from 'pino';
import { isNewerLayout, isTerminalRun, type RunSegment, type RunState } from './run-state.js';

export interface RunRetentionOptions {
  heads: JsonBucket<RunState>;
  segments: JsonBucket<RunSegment>;
  log: Logger;
  clock: Clock;
  /** How long a run is kept once it ended (ms). */
  keepMs: number;
  /** How often to look for runs to remove (ms); the first look is a minute after start. */
  intervalMs: number;
}

const FIRST_PASS_AFTER_MS = 60_000;

export function startRunRetention(options: RunRetentionOptions) {
  const { heads, segments, log, keepMs } = options;

  /** Removes the runs that ended before `keepMs` ago; resolves with how many. */
  const pass = async (): Promise<number> => {
    const cutOff = options.clock.now() - keepMs;
    const quiet: string[] = [];
    for await (const write of heads.writtenSince(0)) {
      if (!write.deleted && write.writtenAt <= cutOff) quiet.push(write.key);
    }
    let removed = 0;
    for (const key of quiet) {
      const state = (await heads.get(key))?.value;
      // Quiet is not ended: a run may wait for weeks on a parked task or a child run.
      if (!state || !isTerminalRun(state.status) || isNewerLayout(state)) continue;
      if (!state.finishedAt || Date.parse(state.finishedAt) > cutOff) continue;
      // Its segments are named `<key>.<digest>` (run-segments.ts), those no head lists any more too;
      // a child run's are a token further down (`<key>.<task>.<digest>`) and stay.
      await segments.expunge(`${key}.*`);
      await heads.expunge(key);
      removed++;
    }
    if (removed > 0) log.info({ removed, keepMs }, 'removed runs that ended longer ago than they are kept');
    return removed;
  };

  let running: Promise<number> | undefined;
  const tick = () => {
    running ??= pass()
      .catch((err: unknown) => {
        log.error({ err }, 'removing old runs failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const first = setTimeout(tick, FIRST_PASS_AFTER_MS);
  first.unref();
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    /** Runs one pass now (tests); resolves with how many runs it removed. */
    pass: tick,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
