import { constants, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { type CollectionKind, idleCollection, v8Collection } from '../src/idle-collection.js';
import { newStats, subjectStats } from '../src/stats.js';

/** `settles`: what each collection reports, in turn (then true): whether it gave back all it could. */
function collectionWithCount(settles: boolean[] = []) {
  const kinds: CollectionKind[] = [];
  const collection = idleCollection({
    minMessages: 1_000,
    quietChecks: 2,
    retries: 2,
    collect: (kind) => {
      kinds.push(kind);
      return settles.shift() ?? true;
    },
  });
  return { collection, collected: () => kinds.length, kinds };
}

describe('idle collection', () => {
  it('collects once after a burst, when the process has been quiet for the given checks', () => {
    const { collection, collected } = collectionWithCount();
    const engine = newStats();
    const runner = newStats();
    collection.watch(engine);
    collection.watch(runner);
    subjectStats(engine, 'oo.cmd.x').handled += 900;
    subjectStats(runner, 'oo.cmd.x').failed += 200;
    expect(collection.check()).toBe(false); // busy
    expect(collection.check()).toBe(false); // quiet once
    expect(collection.check()).toBe(true); // quiet twice: collect
    expect(collection.check()).toBe(false); // nothing new since
    expect(collected()).toBe(1);
  });

  it('never collects while messages keep coming, nor after too few of them', () => {
    const { collection, collected } = collectionWithCount();
    const stats = newStats();
    collection.watch(stats);
    for (let i = 0; i < 10; i++) {
      subjectStats(stats, 'oo.cmd.x').handled += 5_000;
      collection.check();
    }
    expect(collected()).toBe(0);

    const quiet = collectionWithCount();
    const few = newStats();
    quiet.collection.watch(few);
    subjectStats(few, 'oo.cmd.x').handled += 999;
    for (let i = 0; i < 5; i++) quiet.collection.check();
    expect(quiet.collected()).toBe(0);
  });

  it('does not count the messages of an actor that was watched before as new ones', () => {
    const { collection, collected } = collectionWithCount();
    const old = newStats();
    subjectStats(old, 'oo.cmd.x').handled = 50_000;
    collection.watch(old);
    for (let i = 0; i < 3; i++) collection.check();
    collection.unwatch(old);
    for (let i = 0; i < 3; i++) collection.check();
    expect(collected()).toBe(0);
  });

  it('collects again after the next quiet spell while a collection leaves memory to give back, a few times at most', () => {
    const { collection, kinds } = collectionWithCount([false, false, false, false]);
    const stats = newStats();
    collection.watch(stats);
    subjectStats(stats, 'oo.cmd.x').handled += 1_000;
    const checks = (n: number) => Array.from({ length: n }, () => collection.check());
    expect(checks(3)).toEqual([false, false, true]); // busy, quiet, quiet: collect (not settled)
    expect(checks(2)).toEqual([false, true]); // a quiet spell later: again (1 of 2 retries)
    subjectStats(stats, 'oo.cmd.x').handled += 5; // a little work between: the retry still comes
    expect(checks(3)).toEqual([false, false, true]); // (2 of 2)
    expect(checks(6)).toEqual([false, false, false, false, false, false]); // retries spent
    expect(kinds).toEqual(['full', 'young', 'young']); // a retry only has the young generation to shrink

    const settled = collectionWithCount([false, true]);
    settled.collection.watch(stats);
    subjectStats(stats, 'oo.cmd.x').handled += 1_000;
    for (let i = 0; i < 12; i++) settled.collection.check();
    expect(settled.collected()).toBe(2); // the second one settled: no more

    const burst = collectionWithCount([false, false]);
    burst.collection.watch(stats);
    subjectStats(stats, 'oo.cmd.x').handled += 1_000;
    for (let i = 0; i < 3; i++) burst.collection.check(); // full, not settled
    subjectStats(stats, 'oo.cmd.x').handled += 1_000; // another burst before the retry: full again
    for (let i = 0; i < 3; i++) burst.collection.check();
    expect(burst.kinds).toEqual(['full', 'full']);
  });

  it("runs V8's young collection for 'young' and its full one for 'full'", async () => {
    const collect = v8Collection();
    const entries: { kind: number; at: number }[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        entries.push({
          kind: (entry as unknown as { detail: { kind: number } }).detail.kind,
          at: entry.startTime,
        });
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    /** The kinds of the collections that started during the call (V8 may also collect on its own). */
    const kindsDuring = async (kind: CollectionKind) => {
      const from = performance.now();
      collect(kind);
      const to = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 50)); // entries arrive after the task
      return entries.filter((e) => e.at >= from && e.at <= to).map((e) => e.kind);
    };
    try {
      expect(await kindsDuring('young')).toEqual([constants.NODE_PERFORMANCE_GC_MINOR]);
      expect(await kindsDuring('full')).toContain(constants.NODE_PERFORMANCE_GC_MAJOR);
    } finally {
      observer.disconnect();
    }
  });

  it("hands out V8's full collection, which frees what nothing references", async () => {
    const collect = v8Collection();
    let target: object | undefined = { big: new Array(10_000).fill('x') };
    const ref = new WeakRef(target);
    target = undefined;
    // A WeakRef's target lives at least until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collect('full');
    expect(ref.deref()).toBeUndefined();
  });
});
