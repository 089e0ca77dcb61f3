/**
 * Lets ended runs go. The `runs` and `run_segments` buckets have no TTL (a run may wait for weeks
 * with its head unwritten), so without this they would keep every run ever: the reconciler's first
 * sweep would read more at every start, and the store would only grow. A run that ended more than
 * `keepMs` ago (30 days by default: as long as the events stream, task variables and large outputs
 * are kept, and so as long as a `resume` can use it) has its head and its segments removed, with no
 * delete markers left behind. The read model (PostgreSQL) keeps its history. The pass itself is the
 * runtime's (bucket-retention.ts): every replica may run it.
 */
import { type ActorEnv, type Clock, type JsonBucket, startBucketRetention } from '@oo/runtime';
import type { Logger } from 'pino';
import { isNewerLayout, isTerminalRun, type RunSegment, type RunState } from './run-state.js';

export interface RunRetentionOptions {
  heads: JsonBucket<RunState>;
  segments: JsonBucket<RunSegment>;
  log: Logger;
  clock: Clock;
  /** Told of a pass that failed (`env.reportError`: the actor's presence shows it). */
  report?: ActorEnv['reportError'] | undefined;
  /** How long a run is kept once it ended (ms). */
  keepMs: number;
  /** How often to look for runs to remove (ms); the first look is a minute after start. */
  intervalMs: number;
}

export function startRunRetention(options: RunRetentionOptions) {
  const { heads, segments, log, clock, keepMs, intervalMs, report } = options;
  return startBucketRetention({
    bucket: heads,
    what: 'runs',
    log,
    clock,
    report,
    keepMs,
    intervalMs,
    ended: (state, cutOff) =>
      isTerminalRun(state.status) &&
      !isNewerLayout(state) &&
      state.finishedAt !== undefined &&
      Date.parse(state.finishedAt) <= cutOff,
    // Its segments are named `<key>.<digest>` (run-segments.ts), those no head lists any more too;
    // a child run's are a token further down (`<key>.<task>.<digest>`) and stay.
    removeWith: (key) => segments.expunge(`${key}.*`),
  });
}
