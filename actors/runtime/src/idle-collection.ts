/**
 * Gives memory back once a burst of work is over. V8 collects its old generation only when that
 * outgrows a limit, so a process that handled a burst (10,000 runs started, then all of them
 * waiting) keeps the burst's garbage — about 100 MB in the engine — for as long as it stays quiet.
 * Once the actors of a process have handled `minMessages` messages and then none for `quietChecks`
 * checks in a row, one full collection runs: a pause of tens of milliseconds while nothing waits.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ActorStats } from './stats.js';

export interface IdleCollectionOptions {
  /** Messages handled since the last collection that make one worth doing. */
  minMessages: number;
  /** Checks in a row with no message handled before collecting. */
  quietChecks: number;
  /** Runs a full collection. */
  collect: () => void;
}

export interface IdleCollection {
  /** Counts this actor's messages (its `handled` and `failed`) until `unwatch`. */
  watch(stats: ActorStats): void;
  unwatch(stats: ActorStats): void;
  /** One check; the process-wide instance runs it on a timer. Returns whether it collected. */
  check(): boolean;
}

export function idleCollection(options: IdleCollectionOptions): IdleCollection {
  const watched = new Set<ActorStats>();
  let seen = 0;
  let sinceCollection = 0;
  let quiet = 0;
  const total = () => {
    let sum = 0;
    for (const stats of watched) sum += stats.handled + stats.failed;
    return sum;
  };
  return {
    watch(stats) {
      watched.add(stats);
      seen = total();
    },
    unwatch(stats) {
      watched.delete(stats);
      seen = total();
    },
    check() {
      const now = total();
      const handled = now - seen;
      seen = now;
      if (handled > 0) {
        sinceCollection += handled;
        quiet = 0;
        return false;
      }
      quiet++;
      if (quiet < options.quietChecks || sinceCollection < options.minMessages) return false;
      sinceCollection = 0;
      options.collect();
      return true;
    },
  };
}

/** V8's full collection: the exposed `gc` when node runs with --expose-gc, else exposed now. */
export function fullCollection(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  // The flag reaches contexts made after it is set; a fresh one hands out the function.
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

// At most once per 1,000 messages, after 12-14 s without any. Not sooner: V8 also gives back the
// young generation it grew (32 MB) only when it measures a low allocation rate over its last
// seconds; a collection 3 s after a burst frees the old generation and keeps the 32 MB.
const CHECK_MS = 2_000;
const QUIET_CHECKS = 6;
let processWide: { collection: IdleCollection; timer: NodeJS.Timeout; actors: number } | undefined;

/** Counts an actor's messages towards this process's idle collection; call the result when it stops. */
export function collectWhenIdle(stats: ActorStats): () => void {
  if (!processWide) {
    let collect: (() => void) | undefined;
    const collection = idleCollection({
      minMessages: 1_000,
      quietChecks: QUIET_CHECKS,
      collect: () => {
        collect ??= fullCollection();
        collect();
      },
    });
    const timer = setInterval(() => collection.check(), CHECK_MS);
    timer.unref();
    processWide = { collection, timer, actors: 0 };
  }
  const own = processWide;
  own.collection.watch(stats);
  own.actors++;
  return () => {
    own.collection.unwatch(stats);
    if (--own.actors === 0 && processWide === own) {
      clearInterval(own.timer);
      processWide = undefined;
    }
  };
}
