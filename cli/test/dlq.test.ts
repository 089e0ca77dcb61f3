/**
 * `oo dlq` as an operator runs it against an installation's NATS: the letters real actors wrote
 * for bodies they could not handle, listed, paged and shown.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OoError, subject, type TaskMessage, taskSubject } from '@oo/contracts';
import { defineActor, on, RuntimeConfig, readDeadLetters, startActor } from '@oo/runtime';
import { freshName, type NatsServer, startNatsServer, waitFor } from '@oo/test-harness';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sinceOf } from '../src/commands/dlq.js';

const execute = promisify(execFile);
const oo = new URL('../bin/oo.js', import.meta.url).pathname;

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server.stop());

/** Runs `oo dlq ...` with the installation's NATS in NATS_URL; never throws for an exit code. */
async function ooDlq(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // An empty data folder: no `oo up` to take NATS from, only NATS_URL.
  const data = mkdtempSync(join(tmpdir(), 'oo-dlq-'));
  try {
    const { stdout, stderr } = await execute(process.execPath, [oo, 'dlq', ...args, '--data', data], {
      env: { ...process.env, NATS_URL: server.url },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('oo dlq', () => {
  const actor = `orders-${freshName()}`;
  beforeAll(async () => {
    const config = RuntimeConfig.parse({ nats: { url: server.url }, log: { level: 'silent' } });
    const orders = subject(`oo.cmd.${actor}.place`, z.object({ item: z.string() }).strict());
    const handle = await startActor(
      defineActor({ name: actor, version: '1.0.0', handlers: [on(orders, async () => undefined)] }),
      { config, log: pino({ level: 'silent' }) },
    );
    await handle.nats.js.publish(orders.name, new TextEncoder().encode('{not json'));
    await handle.nats.js.publish(orders.name, new TextEncoder().encode('{"item": 7}'));
    await handle.nats.js.publish(orders.name, new TextEncoder().encode('{"item": "x", "rogue": true}'));
    await waitFor(
      async () => (await readDeadLetters(handle.nats, { actor, limit: 10 })).letters.length === 3,
    );
    await handle.stop();
  });

  it('lists an actor’s letters as a table with the reason, and says how to page on', async () => {
    const page = await ooDlq('list', '--actor', actor, '--limit', '2');
    expect(page.code).toBe(0);
    const [header, ...rows] = page.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^SEQ\s+AT\s+ACTOR\s+SUBJECT\s+ERROR\s+MESSAGE$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('OO_ERR_MSG_INVALID_JSON');
    expect(rows[1]).toMatch(
      new RegExp(`${actor}\\s+oo\\.cmd\\.${actor}\\.place\\s+OO_ERR_MSG_SCHEMA\\s+.*item`),
    );
    const lastSeq = rows[1]?.split(/\s+/)[0];
    expect(page.stderr).toBe(`more follow: oo dlq list --after ${lastSeq}\n`);

    const rest = await ooDlq('list', '--actor', actor, '--after', String(lastSeq), '--json');
    expect(rest.code).toBe(0);
    const answer = JSON.parse(rest.stdout) as {
      items: Array<{ seq: number; body: string; cannotReplay: string | null }>;
      more: boolean;
    };
    expect(answer.more).toBe(false);
    expect(answer.items.map((i) => i.body)).toEqual(['{"item": "x", "rogue": true}']);
    // A subject of its own, not one OO publishes: a replay would be refused, and the answer says so.
    expect(answer.items[0]?.cannotReplay).toBe(`OO publishes nothing on oo.cmd.${actor}.place`);
  });

  it('shows one letter whole, and names the code for a sequence it does not hold', async () => {
    const listed = JSON.parse((await ooDlq('list', '--actor', actor, '--json')).stdout) as {
      items: Array<{ seq: number }>;
    };
    const shown = await ooDlq('show', String(listed.items[0]?.seq));
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      seq: listed.items[0]?.seq,
      actor,
      subject: `oo.cmd.${actor}.place`,
      body: '{not json',
      bodyEncoding: 'utf8',
      error: { code: 'OO_ERR_MSG_INVALID_JSON' },
    });

    const missing = await ooDlq('show', '99999999');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('OO_ERR_DEAD_LETTER_NOT_FOUND: no dead letter at sequence 99999999');
    const bad = await ooDlq('list', '--since', 'yesterday');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--since must be like 30m, 24h or 7d');
    expect((await ooDlq('list', '--actor', `nobody-${freshName()}`)).stdout).toBe('no dead letters\n');
  });
});

describe('oo dlq replay', () => {
  it('sends an actor’s letters again once it is fixed, and says which it could not send and why', async () => {
    const actor = `fixer-${freshName()}`;
    const tasks = taskSubject(`fix-${freshName()}`);
    let broken = true;
    const handled: string[] = [];
    const config = RuntimeConfig.parse({ nats: { url: server.url }, log: { level: 'silent' } });
    const handle = await startActor(
      defineActor({
        name: actor,
        version: '1.0.0',
        handlers: [
          on(tasks, async (_ctx, task) => {
            if (broken)
              throw new OoError('OO_ERR_HANDLER_FAILED', 'broken until fixed', { retryable: false });
            handled.push(task.taskKey);
          }),
        ],
      }),
      { config, log: pino({ level: 'silent' }) },
    );
    const task = (taskKey: string): TaskMessage => ({
      runId: 'run_1',
      taskKey,
      type: tasks.name.slice('oo.task.'.length),
      attempt: 1,
      input: {},
    });
    await handle.publish(tasks, task('first'));
    await handle.publish(tasks, task('second'));
    await handle.nats.js.publish(tasks.name, new TextEncoder().encode('{not json'));
    await waitFor(
      async () => (await readDeadLetters(handle.nats, { actor, limit: 10 })).letters.length === 3,
    );
    broken = false;

    const replay = await ooDlq('replay', '--actor', actor);
    expect(replay.code).toBe(1);
    const lines = replay.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines)
      expect(line).toMatch(
        new RegExp(`^replayed \\d+: ${tasks.name.replaceAll('.', '\\.')} -> OO_TASK #\\d+$`),
      );
    expect(replay.stderr).toMatch(
      /^not replayed \d+: OO_ERR_DEAD_LETTER_NOT_REPLAYABLE: .*its body is not JSON\n$/,
    );
    await waitFor(() => handled.length === 2, { what: 'the two replayed tasks handled' });
    expect(handled.sort()).toEqual(['first', 'second']);

    // What could not go is still a letter; asked for by sequence, the answer says so as JSON.
    const left = await readDeadLetters(handle.nats, { actor, limit: 10 });
    expect(left.letters.map((l) => l.letter.body)).toEqual(['{not json']);
    const again = await ooDlq('replay', String(left.letters[0]?.seq), '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual({
      items: [
        {
          seq: left.letters[0]?.seq,
          error: expect.objectContaining({ code: 'OO_ERR_DEAD_LETTER_NOT_REPLAYABLE' }),
        },
      ],
    });
    // Judged not worth sending, it is discarded instead.
    const discarded = await ooDlq('discard', String(left.letters[0]?.seq), '--json');
    expect(discarded.code).toBe(0);
    expect(JSON.parse(discarded.stdout)).toEqual({ items: [{ seq: left.letters[0]?.seq, discarded: true }] });
    expect((await readDeadLetters(handle.nats, { actor, limit: 10 })).letters).toEqual([]);
    expect(handled).toHaveLength(2);
    const twice = await ooDlq('discard', String(left.letters[0]?.seq));
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`not discarded ${left.letters[0]?.seq}: OO_ERR_DEAD_LETTER_NOT_FOUND`);
    const gone = await ooDlq('replay', '99999999');
    expect(gone.stderr).toContain('not replayed 99999999: OO_ERR_DEAD_LETTER_NOT_FOUND');
    const nothing = await ooDlq('replay');
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('name the letters to replay (their sequences) or an --actor');
    const both = await ooDlq('discard', '1', '--actor', actor);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('give either sequences or --actor/--since, not both');
    await handle.stop();
  });
});

describe('oo dlq --since', () => {
  it('takes minutes, hours or days before now, or a time', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(sinceOf('30m', now).toISOString()).toBe('2026-11-27T11:30:00.000Z');
    expect(sinceOf('24h', now).toISOString()).toBe('2026-11-26T12:00:00.000Z');
    expect(sinceOf('7d', now).toISOString()).toBe('2026-11-20T12:00:00.000Z');
    expect(sinceOf('2026-11-27T10:00:00Z', now).toISOString()).toBe('2026-11-27T10:00:00.000Z');
    for (const text of ['', '5', '5w', '-1h', 'today', '1e3h'])
      expect(() => sinceOf(text, now)).toThrow(/--since/);
  });
});
