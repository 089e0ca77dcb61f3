import {
  type DeadLetter,
  deadLetterSubjectName,
  Headers,
  OoError,
  RequestSubjects,
  StreamNames,
  type TaskMessage,
  taskSubject,
} from '@oo/contracts';
import {
  defineActor,
  discardDeadLetter,
  on,
  readDeadLetter,
  readDeadLetters,
  replayDeadLetter,
  startActor,
} from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog, testConfig } from './fixtures/setup.js';

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

/**
 * An actor hosting one task subject of its own whose handler refuses every message (a terminal
 * error, so each is dead-lettered) until `fix()`; after that it records what it is given.
 */
async function brokenActor() {
  const type = `replay-${freshName()}`;
  const tasks = taskSubject(type);
  const name = `replayer-${freshName()}`;
  let broken = true;
  const handled: Array<{ body: TaskMessage; traceId: string; principal: string | undefined }> = [];
  const actor = await startActor(
    defineActor({
      name,
      version: '1.0.0',
      handlers: [
        on(tasks, async (ctx, body) => {
          if (broken)
            throw new OoError('OO_ERR_HANDLER_FAILED', 'the handler is broken', { retryable: false });
          handled.push({ body, traceId: ctx.traceId, principal: ctx.principal });
        }),
      ],
    }),
    { config: testConfig(server.url), log: silentLog },
  );
  const message = (taskKey: string): TaskMessage => ({
    runId: `run_${freshName()}`,
    taskKey,
    type,
    attempt: 1,
    input: { taskKey },
  });
  /** Sends messages with a caller's token and waits for their letters, which it answers. */
  const refuse = async (...taskKeys: string[]) => {
    const sent = [];
    for (const taskKey of taskKeys) {
      const body = message(taskKey);
      sent.push({ body, ...(await actor.publish(tasks, body, { principal: 'a.caller.token' })) });
    }
    let letters: Awaited<ReturnType<typeof readDeadLetters>>['letters'] = [];
    await waitFor(
      async () => {
        letters = (await readDeadLetters(actor.nats, { actor: name, limit: 100 })).letters;
        return letters.length >= taskKeys.length;
      },
      { what: `${taskKeys.length} dead letters of ${name}` },
    );
    return { sent, letters };
  };
  return {
    actor,
    name,
    tasks,
    handled,
    refuse,
    fix: () => {
      broken = false;
    },
  };
}

/** Stores a letter as an actor would have written it, and answers its sequence. */
async function storeLetter(
  nats: Awaited<ReturnType<typeof brokenActor>>['actor']['nats'],
  letter: Partial<DeadLetter>,
): Promise<number> {
  const full: DeadLetter = {
    actor: 'someone',
    instance: 'inst_x',
    subject: 'oo.task.noop',
    deliveries: 1,
    headers: {},
    body: '{}',
    bodyEncoding: 'utf8',
    error: { code: 'OO_ERR_HANDLER_FAILED', message: 'broken', retryable: false },
    at: new Date().toISOString(),
    ...letter,
  };
  const ack = await nats.js.publish(deadLetterSubjectName('someone'), JSON.stringify(full));
  return ack.seq;
}

describe('runtime - replaying dead letters', () => {
  it('sends a letter again on its subject, in its trace and without the caller token, and removes the letter', async () => {
    const { actor, name, tasks, handled, refuse, fix } = await brokenActor();
    const { sent, letters } = await refuse('first', 'second');
    fix();

    const [first, second] = letters;
    const replay = await replayDeadLetter(actor.nats, first!.seq);
    expect(replay).toMatchObject({
      seq: first!.seq,
      subject: tasks.name,
      stream: StreamNames.tasks,
      duplicate: false,
      removed: true,
    });
    await waitFor(() => handled.length === 1, { what: 'the replayed message handled' });
    expect(handled[0]).toEqual({ body: sent[0]!.body, traceId: sent[0]!.traceId, principal: undefined });

    // The message stored again says where it came from and carries a replay's own dedupe id.
    const stored = await actor.nats.jsm.streams.getMessage(StreamNames.tasks, { seq: replay.streamSeq });
    expect(stored?.header?.get(Headers.replayOf)).toBe(String(first!.seq));
    expect(stored?.header?.get(Headers.msgId)).toBe(`dlq-replay.${first!.seq}`);
    expect(stored?.header?.get(Headers.principal)).toBe('');
    expect(stored?.header?.get(Headers.traceId)).toBe(sent[0]!.traceId);

    // Gone from the dead letters; the other one is still there.
    expect(await readDeadLetter(actor.nats, first!.seq)).toBeUndefined();
    const left = await readDeadLetters(actor.nats, { actor: name, limit: 10 });
    expect(left.letters.map((l) => l.seq)).toEqual([second!.seq]);
    await expect(replayDeadLetter(actor.nats, first!.seq)).rejects.toMatchObject({
      code: 'OO_ERR_DEAD_LETTER_NOT_FOUND',
    });
    await actor.stop();
  });

  it('sends a letter replayed twice at once only once, and both say it is removed', async () => {
    const { actor, handled, refuse, fix } = await brokenActor();
    const { letters } = await refuse('once');
    fix();
    const seq = letters[0]!.seq;
    const both = await Promise.all([replayDeadLetter(actor.nats, seq), replayDeadLetter(actor.nats, seq)]);
    expect(both.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(both.every((r) => r.removed)).toBe(true);
    await waitFor(() => handled.length === 1, { what: 'the replayed message handled' });
    // Nothing more comes: the second send was dropped as a duplicate.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handled).toHaveLength(1);
    await actor.stop();
  });

  it('refuses, naming why, what cannot go again, and keeps those letters', async () => {
    const { actor } = await brokenActor();
    const nats = actor.nats;
    const message = { runId: 'run_1', taskKey: 'a', type: 'noop', attempt: 1, input: {} };
    const cases: Array<{ letter: Partial<DeadLetter>; why: RegExp }> = [
      {
        letter: {
          body: 'eyJydW5JZCI6',
          bodyEncoding: 'base64',
          error: {
            code: 'OO_ERR_HANDLER_FAILED',
            message: 'x',
            retryable: false,
            details: { bodyBytes: 2_000_000, bodyTruncated: true },
          },
        },
        why: /its body was cut to fit the letter/,
      },
      {
        letter: { subject: 'oo.cmd.nobody.ping', body: '{}' },
        why: /OO publishes nothing on oo\.cmd\.nobody\.ping/,
      },
      { letter: { subject: 'oo.dlq.engine', body: '{}' }, why: /OO publishes nothing on oo\.dlq\.engine/ },
      {
        letter: { subject: RequestSubjects.submit.name, body: JSON.stringify({ resources: [] }) },
        why: /oo\.cmd\.requests\.submit acts as its caller.*the caller must send it again/,
      },
      { letter: { body: 'not json' }, why: /its body is not JSON/ },
      {
        letter: { body: JSON.stringify({ ...message, attempt: 0, colour: 'red' }) },
        why: /still does not match oo\.task\.noop: .*attempt.*colour|still does not match oo\.task\.noop: .*colour.*attempt/,
      },
    ];
    for (const { letter, why } of cases) {
      const seq = await storeLetter(nats, letter);
      const refused = await replayDeadLetter(nats, seq).catch((err: unknown) => err);
      expect(refused, String(why)).toBeInstanceOf(OoError);
      expect(refused).toMatchObject({
        code: 'OO_ERR_DEAD_LETTER_NOT_REPLAYABLE',
        message: expect.stringMatching(why),
      });
      expect(await readDeadLetter(nats, seq), 'the letter stays').toBeDefined();
    }
    // A body of another schema version is its consumer's to judge, not the replay's.
    const seq = await storeLetter(nats, {
      subject: 'oo.task.noop',
      headers: { [Headers.schema]: ['oo.task.noop@2'] },
      body: JSON.stringify({ shape: 'of version 2' }),
    });
    expect(await replayDeadLetter(nats, seq)).toMatchObject({ subject: 'oo.task.noop', removed: true });
    await actor.stop();
  });
});

describe('runtime - discarding dead letters', () => {
  it('leaves the others readable in order, paged, around the gaps it makes', async () => {
    const { actor, name, refuse } = await brokenActor();
    const { letters } = await refuse('a', 'b', 'c', 'd', 'e', 'f');
    const seqs = letters.map((l) => l.seq);
    await discardDeadLetter(actor.nats, seqs[1]!);
    await discardDeadLetter(actor.nats, seqs[3]!);
    const read: number[] = [];
    let afterSeq: number | undefined;
    for (;;) {
      const page = await readDeadLetters(actor.nats, { actor: name, limit: 2, afterSeq });
      read.push(...page.letters.map((l) => l.seq));
      afterSeq = page.letters.at(-1)?.seq;
      if (!page.more) break;
    }
    expect(read).toEqual([seqs[0], seqs[2], seqs[4], seqs[5]]);
    await actor.stop();
  });

  it('takes a letter out without sending its message, and says when there is none', async () => {
    const { actor, name, handled, refuse, fix } = await brokenActor();
    const { letters } = await refuse('junk', 'kept');
    fix();
    const [junk, kept] = letters;
    await discardDeadLetter(actor.nats, junk!.seq);
    expect(await readDeadLetter(actor.nats, junk!.seq)).toBeUndefined();
    expect((await readDeadLetters(actor.nats, { actor: name, limit: 10 })).letters.map((l) => l.seq)).toEqual(
      [kept!.seq],
    );
    for (const seq of [junk!.seq, kept!.seq + 1_000]) {
      await expect(discardDeadLetter(actor.nats, seq)).rejects.toMatchObject({
        code: 'OO_ERR_DEAD_LETTER_NOT_FOUND',
      });
    }
    // Nothing was sent: the handler, fixed, never saw the discarded message.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handled).toEqual([]);
    await actor.stop();
  });
});
