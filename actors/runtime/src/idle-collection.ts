/**
 * Gives memory back once a burst of work is over. V8 collects its old generation only when that
 * outgrows a limit, so a process that handled a burst (10,000 runs started, then all of them
 * waiting) keeps the burst's garbage — about 100 MB in the engine — for as long as it stays quiet.
 * Once the actors of a process have handled `minMessages` messages and then none for `quietChecks`
 * checks in a row, one full collection runs: a pause of tens of milliseconds while nothing waits.
 * V8 gives back the young generation it grew only when a collection finds the allocation rate low
 * over its last seconds, which a little work after the burst can spoil (measured: 170 MB left of
 * 179, against 107 in another run). A collection that left it grown is tried again after the next
 * quiet spell, up to `retries` times, as a young-generation collection only: that is all a retry is
 * for. Measured in engine.parked's processes: the young collection took 6-14 ms of CPU against 30-47
 * for a full one, and gave back the young generation all the same (64 MB to 1).
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ActorStats } from './stats.js';

/** A full collection frees a burst's garbage; a young one lets V8 shrink the young generation. */
export type CollectionKind = 'full' | 'young';

export interface IdleCollectionOptions {
  /** Messages handled since the last collection that make one worth doing. */
  minMessages: number;
  /** Checks in a row with no message handled before collecting. */
  quietChecks: number;
  /** Runs a collection; false when it left memory to give back (the young generation grown). */
  collect: (kind: CollectionKind) => boolean;
  /** Collections tried again, each after its own quiet spell, while one leaves memory to give back. */
  retries: number;
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
  /** Collections still to try after one that left memory to give back. */
  let again = 0;
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
      if (quiet < options.quietChecks) return false;
      let kind: CollectionKind;
      if (sinceCollection >= options.minMessages) {
        kind = 'full';
        again = options.retries;
      } else if (again > 0) {
        kind = 'young';
        again--;
      } else {
        return false;
      }
      sinceCollection = 0;
      quiet = 0;
      if (options.collect(kind)) again = 0;
      return true;
    },
  };
}

/** V8's `gc`: a full collection; with `{ type: 'minor' }` a young one (in Node 20 any `type`, 'major' too). */
type ExposedGc = (options?: { type: 'minor' }) => void;

/** V8's collections: the exposed `gc` when node runs with --expose-gc, else exposed now. */
export function v8Collection(): (kind: CollectionKind) => void {
  let gc = (globalThis as { gc?: ExposedGc }).gc;
  if (!gc) {
    // The flag reaches contexts made after it is set; a fresh one hands out the function.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as ExposedGc;
  }
  const collect = gc;
  return (kind) => (kind === 'full' ? collect() : collect({ type: 'minor' }));
}

// At most once per 1,000 messages, after 12-14 s without any. Not sooner: V8 also gives back the
// young generation it grew (32 MB) only when it measures a low allocation rate over its last
// seconds; a collection 3 s after a burst frees the old generation and keeps the 32 MB.
const CHECK_MS = 2_000;
const QUIET_CHECKS = 6;
const RETRIES = 3;
/** The young generation at most this size (bytes) has nothing left to give back (V8 starts it at 1-2 MB). */
const SETTLED_YOUNG_BYTES = 8 * 1024 * 1024;

function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}
let processWide: { collection: IdleCollection; timer: NodeJS.Timeout; actors: number } | undefined;

/** Counts an actor's messages towards this process's idle collection; call the result when it stops. */
export function collectWhenIdle(stats: ActorStats): () => void {
  if (!processWide) {
    let collect: ((kind: CollectionKind) => void) | undefined;
    const collection = idleCollection({
      minMessages: 1_000,
      quietChecks: QUIET_CHECKS,
      retries: RETRIES,
      collect: (kind) => {
        collect ??= v8Collection();
        collect(kind);
        return youngGenerationBytes() <= SETTLED_YOUNG_BYTES;
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
