/**
 * TaskEvent -> the `tasks` row of that task (see fold.ts for the ordering rules), and for a
 * succeeded `rfm.commit` task, the commit it made, recorded against the run's request.
 */
import { type TaskEvent, taskEventSubject } from '@oo/contracts';
import { z } from 'zod';
import { type Db, json, timeParam } from './db.js';
import { foldEvent, latest, newer, sequences } from './fold.js';

const TASK_ENDED = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);
const ENDED_LIST = [...TASK_ENDED].map((s) => `'${s}'`).join(', ');

/**
 * Whether the incoming event's state wins: the newest does, except that a task's end outranks its
 * `scheduled`, whatever their sequences. The engine's `scheduled` and the task message go to two
 * streams, stored independently: on a loaded server a runner can end the task before its
 * `scheduled` is stored. A task is not scheduled again in the same run after it ended (a rerun is
 * a new run), so a `scheduled` beside an end is always the late one; either fold order ends ended.
 * The live lists drop such a `scheduled` (contracts' late-scheduled.ts).
 */
const TAKES_INCOMING = `CASE
    WHEN excluded.status = 'scheduled' AND t.status IN (${ENDED_LIST}) THEN false
    WHEN t.status = 'scheduled' AND excluded.status IN (${ENDED_LIST}) THEN true
    ELSE ${newer('t')} END`;

/** The task type whose output names a git commit, and the part of its output we record. */
export const COMMIT_TASK_TYPE = 'rfm.commit';
const CommitOutput = z.object({
  repo: z.string().min(1),
  commit: z.string().min(1),
  files: z.array(z.unknown()).default([]),
});

const UPSERT = `
INSERT INTO tasks AS t (run_id, task_key, type, status, attempts, started_at, finished_at, error,
  updated_at, first_seq, last_seq)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $10)
ON CONFLICT (run_id, task_key) DO UPDATE SET
  ${latest('t', ['status', 'finished_at', 'error', 'updated_at'], TAKES_INCOMING)},
  attempts = GREATEST(t.attempts, excluded.attempts),
  started_at = LEAST(t.started_at, excluded.started_at),
  ${sequences('t')}`;

const RECORD_COMMIT = `
INSERT INTO commits (request_id, repo, commit, files, run_id, task_key, at)
VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
ON CONFLICT (request_id, repo, commit) DO NOTHING`;

/** Folds a task event at stream sequence `seq`; false when that sequence was folded before. */
export function applyTaskEvent(db: Db, seq: number, event: TaskEvent): Promise<boolean> {
  const record = {
    seq,
    subject: taskEventSubject(event.status).name,
    requestId: event.requestId,
    runId: event.runId,
    body: event,
    at: event.at,
  };
  return foldEvent(db, record, async (tx) => {
    const at = timeParam(event.at);
    await tx.query(UPSERT, [
      event.runId,
      event.taskKey,
      event.type,
      event.status,
      event.attempt,
      event.status === 'running' ? at : event.startedAt ? timeParam(event.startedAt) : null,
      TASK_ENDED.has(event.status) ? at : null,
      json(event.error),
      at,
      seq,
    ]);
    // The engine stamps every event of a request's runs (child runs included) with its requestId;
    // a run outside any request has no request to record a commit against.
    if (event.type !== COMMIT_TASK_TYPE || event.status !== 'succeeded' || !event.requestId) return;
    const output = CommitOutput.safeParse(event.output);
    if (!output.success) return;
    const { repo, commit, files } = output.data;
    await tx.query(RECORD_COMMIT, [
      event.requestId,
      repo,
      commit,
      json(files),
      event.runId,
      event.taskKey,
      at,
    ]);
  });
}
