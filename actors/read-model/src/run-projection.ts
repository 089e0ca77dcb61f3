/** RunEvent -> the `runs` row of that run (see fold.ts for the ordering rules). */
import { type RunEvent, runEventSubject } from '@oo/contracts';
import { type Db, json, timeParam } from './db.js';
import { foldEvent, known, latest, sequences } from './fold.js';

const RUN_ENDED = new Set(['succeeded', 'failed', 'cancelled']);

const UPSERT = `
INSERT INTO runs AS r (run_id, request_id, template, version, parent_run_id, parent_task_key, rerun_of,
  status, input, output, error, started_at, finished_at, updated_at, first_seq, last_seq)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb, $12, $13, $14, $15, $15)
ON CONFLICT (run_id) DO UPDATE SET
  ${known('r', ['request_id', 'parent_run_id', 'parent_task_key', 'rerun_of', 'input'])},
  ${latest('r', ['status', 'output', 'error', 'finished_at', 'updated_at'])},
  started_at = LEAST(r.started_at, excluded.started_at),
  ${sequences('r')}`;

/** Folds a run event at stream sequence `seq`; false when that sequence was folded before. */
export function applyRunEvent(db: Db, seq: number, event: RunEvent): Promise<boolean> {
  const record = {
    seq,
    subject: runEventSubject(event.status).name,
    requestId: event.requestId,
    runId: event.runId,
    body: event,
    at: event.at,
  };
  return foldEvent(db, record, async (tx) => {
    await tx.query(UPSERT, [
      event.runId,
      event.requestId ?? null,
      event.template,
      event.version,
      event.parent?.runId ?? null,
      event.parent?.taskKey ?? null,
      event.rerunOf?.runId ?? null,
      event.status,
      json(event.input),
      json(event.output),
      json(event.error),
      event.status === 'running' ? timeParam(event.at) : null,
      RUN_ENDED.has(event.status) ? timeParam(event.at) : null,
      timeParam(event.at),
      seq,
    ]);
  });
}

/** Whether the run's end is folded: false for a run still running or not known yet. */
export async function runEnded(db: Db, runId: string): Promise<boolean> {
  const [row] = await db.query<{ status: string }>('SELECT status FROM runs WHERE run_id = $1', [runId]);
  return row !== undefined && RUN_ENDED.has(row.status);
}
