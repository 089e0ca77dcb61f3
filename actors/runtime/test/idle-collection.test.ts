import { describe, expect, it } from 'vitest';
import { fullCollection, idleCollection } from '../src/idle-collection.js';
import { newStats, subjectStats } from '../src/stats.js';

function collectionWithCount() {
  let collected = 0;
  const collection = idleCollection({
    minMessages: 1_000,
    quietChecks: 2,
    collect: () => {
      collected++;
    },
  });
  return { collection, collected: () => collected };
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

  it("hands out V8's full collection, which frees what nothing references", async () => {
    const collect = fullCollection();
    let target: object | undefined = { big: new Array(10_000).fill('x') };
    const ref = new WeakRef(target);
    target = undefined;
    // A WeakRef's target lives at least until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collect();
    expect(ref.deref()).toBeUndefined();
  });
});
