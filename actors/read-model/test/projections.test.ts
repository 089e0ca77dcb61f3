import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReadModel, snapshotProjections } from '../src/index.js';
import { databases } from './fixtures/databases.js';
import { at, ids, runEvent, taskEvent } from './fixtures/events.js';
import { COMMIT, fold, foldAll, nextSeq, requestStory } from './fixtures/story.js';

describe.each(databases)('read model projections ($kind)', (database) => {
  let readModel: ReadModel;
  let release: () => Promise<void>;
  beforeAll(async () => {
    ({ readModel, release } = await database.open());
  });
  afterAll(() => release());

  /** A second, empty read model on the same kind of database, closed after the test. */
  async function another(): Promise<ReadModel> {
    const opened = await database.open();
    cleanups.push(opened.release);
    return opened.readModel;
  }
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("folds a run's events into its runs row and one tasks row per task", async () => {
    const story = requestStory(ids());
    const { runId } = story.find((e) => e.kind === 'run')!.event as { runId: string };
    await foldAll(readModel, story);
    const [run] = await readModel.db.query('SELECT * FROM runs WHERE run_id = $1', [runId]);
    expect(run).toMatchObject({
      status: 'succeeded',
      template: 'vm-unmanaged',
      input: { cpu: 2 },
      output: { host: 'web-01' },
      started_at: new Date(at(1)),
      finished_at: new Date(at(11)),
    });
    const tasks = await readModel.db.query(
      'SELECT run_id, task_key, status, attempts, started_at, finished_at, error FROM tasks WHERE run_id LIKE $1 ORDER BY first_seq',
      [`${runId}%`],
    );
    expect(tasks.map((t) => [t.task_key, t.status, t.attempts])).toEqual([
      ['commit', 'succeeded', 1],
      ['build', 'succeeded', 1],
      ['launch', 'succeeded', 2],
    ]);
    // The retried task started with its first attempt and finished with its last; the error is gone.
    expect(tasks[2]).toMatchObject({
      started_at: new Date(at(6)),
      finished_at: new Date(at(9)),
      error: null,
    });
  });

  it('keeps a row at its newest event when an older one arrives late, filling only what was missing', async () => {
    const { runId } = ids();
    const running = runEvent({ runId, status: 'running', input: { cpu: 4 }, at: at(1) });
    const succeeded = runEvent({ runId, status: 'succeeded', output: { ok: true }, at: at(2) });
    const [first, second] = [nextSeq(), nextSeq()];
    await readModel.applyRunEvent(second, succeeded);
    await readModel.applyRunEvent(first, running);
    const [run] = await readModel.db.query('SELECT * FROM runs WHERE run_id = $1', [runId]);
    expect(run).toMatchObject({
      status: 'succeeded',
      output: { ok: true },
      input: { cpu: 4 },
      started_at: new Date(at(1)),
      finished_at: new Date(at(2)),
      updated_at: new Date(at(2)),
    });
    expect(Number(run?.last_seq)).toBe(second);
  });

  it("takes a quick task's start from its end event when no running event came", async () => {
    const { runId } = ids();
    await readModel.applyTaskEvent(
      nextSeq(),
      taskEvent({ runId, taskKey: 'a', status: 'scheduled', at: at(1) }),
    );
    await readModel.applyTaskEvent(
      nextSeq(),
      taskEvent({ runId, taskKey: 'a', status: 'succeeded', startedAt: at(2), at: at(3) }),
    );
    const [task] = await readModel.db.query(
      'SELECT status, started_at, finished_at FROM tasks WHERE run_id = $1',
      [runId],
    );
    expect(task).toEqual({ status: 'succeeded', started_at: new Date(at(2)), finished_at: new Date(at(3)) });
  });

  it("keeps a task's end over its scheduled event stored after it, in either fold order", async () => {
    // The engine's `scheduled` and the task go to two streams: a runner may end the task first.
    for (const order of ['end first', 'scheduled first'] as const) {
      const { runId } = ids();
      const ended = {
        seq: nextSeq(),
        event: taskEvent({ runId, taskKey: 'a', status: 'succeeded', at: at(3) }),
      };
      const late = {
        seq: nextSeq(),
        event: taskEvent({ runId, taskKey: 'a', status: 'scheduled', at: at(1) }),
      };
      for (const { seq, event } of order === 'end first' ? [ended, late] : [late, ended]) {
        await readModel.applyTaskEvent(seq, event);
      }
      const [task] = await readModel.db.query(
        'SELECT status, finished_at, last_seq FROM tasks WHERE run_id = $1',
        [runId],
      );
      expect({ order, ...task, last_seq: Number(task?.last_seq) }).toEqual({
        order,
        status: 'succeeded',
        finished_at: new Date(at(3)),
        last_seq: late.seq,
      });
    }
  });

  it('ends in the same tables whatever order the events arrive in, duplicates included', async () => {
    const story = requestStory(ids());
    const inOrder = await another();
    const shuffled = await another();
    await foldAll(inOrder, story);
    // Reversed, with every third event delivered twice: what concurrent handlers and redelivery do.
    const scrambled = [...story].reverse().flatMap((e, i) => (i % 3 === 0 ? [e, e] : [e]));
    await foldAll(shuffled, scrambled);
    expect(await snapshotProjections(shuffled.db)).toEqual(await snapshotProjections(inOrder.db));
  });

  it('answers false for an event sequence folded before, and changes nothing', async () => {
    const story = requestStory(ids());
    await foldAll(readModel, story);
    const before = await snapshotProjections(readModel.db);
    const results = await Promise.all(story.map((e) => fold(readModel, e)));
    expect(results.every((r) => r === false)).toBe(true);
    expect(await snapshotProjections(readModel.db)).toEqual(before);
  });

  it("records a succeeded rfm.commit task's commit against the request, once", async () => {
    const story = requestStory(ids());
    const { requestId } = story[0]!.event as { requestId: string };
    await foldAll(readModel, story);
    // The same commit reported again by a rerun of the task (a new event) is still one commit.
    const commitTask = story.find(
      (e) => e.kind === 'task' && e.event.type === 'rfm.commit' && e.event.status === 'succeeded',
    );
    if (commitTask?.kind !== 'task') throw new Error('the story has a succeeded commit task');
    await readModel.applyTaskEvent(nextSeq(), { ...commitTask.event, at: at(30) });
    const commits = await readModel.db.query(
      'SELECT repo, commit, files FROM commits WHERE request_id = $1',
      [requestId],
    );
    expect(commits).toEqual([COMMIT]);
  });

  it('records no commit for a commit task that failed or whose output names none', async () => {
    const { requestId, runId } = ids();
    const base = { runId, requestId, taskKey: 'commit', type: 'rfm.commit' } as const;
    await readModel.applyTaskEvent(nextSeq(), taskEvent({ ...base, status: 'failed', output: COMMIT }));
    await readModel.applyTaskEvent(
      nextSeq(),
      taskEvent({ ...base, status: 'succeeded', output: { nothing: 1 } }),
    );
    expect(await readModel.db.query('SELECT * FROM commits WHERE request_id = $1', [requestId])).toEqual([]);
  });

  it('rebuilds identical tables when the stream is replayed after a reset', async () => {
    const rebuilt = await another();
    const history = [...requestStory(ids()), ...requestStory(ids())];
    await foldAll(rebuilt, history);
    const first = await snapshotProjections(rebuilt.db);
    await rebuilt.resetProjections();
    expect((await snapshotProjections(rebuilt.db)).runs).toEqual([]);
    await foldAll(rebuilt, history);
    expect(await snapshotProjections(rebuilt.db)).toEqual(first);
  });
});
