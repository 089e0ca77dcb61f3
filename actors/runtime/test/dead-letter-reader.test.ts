import { defineActor, on, readDeadLetter, readDeadLetters, startActor } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog, testConfig } from './fixtures/setup.js';
import { testSubjects } from './fixtures/subjects.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

/** An actor that refuses every body that is not `{ n: number }`, so each such body is dead-lettered. */
async function refusingActor() {
  const token = freshName();
  const s = testSubjects(token);
  const name = `reader-${token}`;
  const actor = await startActor(
    defineActor({ name, version: '1.0.0', handlers: [on(s.ping, async () => undefined)] }),
    { config: testConfig(server.url), log: silentLog },
  );
  /** Publishes `count` bodies that are not JSON, `label-<i>`, and waits until all are dead-lettered. */
  const refuse = async (label: string, count: number) => {
    const before = (await readDeadLetters(actor.nats, { actor: name, limit: 1_000 })).letters.length;
    for (let i = 0; i < count; i++) {
      await actor.nats.js.publish(s.ping.name, new TextEncoder().encode(`${label}-${i}`));
    }
    await waitFor(
      async () =>
        (await readDeadLetters(actor.nats, { actor: name, limit: 1_000 })).letters.length === before + count,
      { what: `${count} dead letters of ${name}` },
    );
  };
  return { actor, name, refuse };
}

describe('runtime - reading dead letters back', () => {
  it("reads an actor's letters oldest first, pages on after the last one, and says when more are left", async () => {
    const { actor, name, refuse } = await refusingActor();
    const other = await refusingActor();
    await refuse('first', 5);
    await other.refuse('other', 2);

    const page = await readDeadLetters(actor.nats, { actor: name, limit: 3 });
    expect(page.letters.map((l) => l.letter.body)).toEqual(['first-0', 'first-1', 'first-2']);
    expect(page.more).toBe(true);
    expect(page.letters[0]?.letter).toMatchObject({
      actor: name,
      error: { code: 'OO_ERR_MSG_INVALID_JSON' },
      bodyEncoding: 'utf8',
    });
    const rest = await readDeadLetters(actor.nats, {
      actor: name,
      limit: 3,
      afterSeq: page.letters.at(-1)?.seq,
    });
    expect(rest.letters.map((l) => l.letter.body)).toEqual(['first-3', 'first-4']);
    expect(rest.more).toBe(false);
    // Without an actor: every actor's, in the order they were stored.
    const all = await readDeadLetters(actor.nats, { limit: 1_000 });
    expect(all.letters.map((l) => l.letter.actor)).toEqual(expect.arrayContaining([name, other.name]));
    const seqs = all.letters.map((l) => l.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await Promise.all([actor.stop(), other.actor.stop()]);
  });

  it('reads the letters stored since a time, and none for an actor without any, at once', async () => {
    const { actor, name, refuse } = await refusingActor();
    await refuse('old', 2);
    const cut = new Date();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await refuse('new', 2);
    const since = await readDeadLetters(actor.nats, { actor: name, since: cut, limit: 10 });
    expect(since.letters.map((l) => l.letter.body)).toEqual(['new-0', 'new-1']);

    const t0 = performance.now();
    expect(await readDeadLetters(actor.nats, { actor: `nobody-${freshName()}`, limit: 10 })).toEqual({
      letters: [],
      more: false,
    });
    // Known empty from the stream's counts: no fetch waited for letters that would not come.
    expect(performance.now() - t0).toBeLessThan(900);
    await actor.stop();
  });

  it('refuses an actor name that would widen the filter, naming the rule', async () => {
    const { actor } = await refusingActor();
    for (const name of ['>', '*', 'a.b', 'a b', '']) {
      await expect(readDeadLetters(actor.nats, { actor: name, limit: 1 })).rejects.toThrow(
        /an actor name is 1-64 of A-Z a-z 0-9 _ -/,
      );
    }
    await actor.stop();
  });

  it('reads one letter by its sequence, and nothing where the stream holds none', async () => {
    const { actor, name, refuse } = await refusingActor();
    await refuse('one', 1);
    const [stored] = (await readDeadLetters(actor.nats, { actor: name, limit: 1 })).letters;
    expect(await readDeadLetter(actor.nats, stored!.seq)).toEqual(stored);
    expect(await readDeadLetter(actor.nats, 9_999_999)).toBeUndefined();
    await actor.stop();
  });
});
