/**
 * One request as the gateway shows it: the `requests` row, its root run and every descendant run
 * with their tasks, and the commits made for it.
 */
import type { ErrorData, RequestStatus, ResourceSpec, RunStatus, TaskStatus } from '@oo/contracts';
import { type Db, iso, isoOrNull, type Row } from './db.js';
import type { CommitView, RequestSummary, RequestView, RunView, TaskView } from './views.js';

// Runs stamped with the request id, the request's root run, and everything started beneath them.
const RUN_TREE = `
WITH RECURSIVE tree (run_id) AS (
  SELECT run_id FROM runs WHERE request_id = $1 OR run_id = $2
  UNION
  SELECT runs.run_id FROM runs JOIN tree ON runs.parent_run_id = tree.run_id
)`;

export const SUMMARY_COLUMNS =
  'request_id, trace_id, status, submitted_by, submitted_at, updated_at, body, template, run_id, rerun_of';

export function toSummary(row: Row): RequestSummary {
  const body = row.body as { resources?: ResourceSpec[] } | null;
  return {
    requestId: String(row.request_id),
    traceId: String(row.trace_id),
    status: row.status as RequestStatus,
    submittedBy: String(row.submitted_by),
    submittedAt: iso(row.submitted_at),
    updatedAt: iso(row.updated_at),
    resources: body?.resources ?? [],
    template: (row.template as string | null) ?? null,
    runId: (row.run_id as string | null) ?? null,
    rerunOf: (row.rerun_of as string | null) ?? null,
  };
}

function toTask(row: Row): TaskView {
  return {
    id: String(row.task_key),
    type: String(row.type),
    status: row.status as TaskStatus,
    attempts: Number(row.attempts),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
    error: (row.error as ErrorData | null) ?? null,
  };
}

function toRun(row: Row, tasks: TaskView[]): RunView {
  return {
    runId: String(row.run_id),
    template: String(row.template),
    version: Number(row.version),
    parentRunId: (row.parent_run_id as string | null) ?? null,
    parentTaskKey: (row.parent_task_key as string | null) ?? null,
    status: row.status as RunStatus,
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
    error: (row.error as ErrorData | null) ?? null,
    tasks,
  };
}

/**
 * The request with its runs, tasks and commits; undefined when no event about it has been folded.
 * Read from one snapshot, so the runs, tasks and commits shown belong to the same moment.
 */
export function getRequest(db: Db, requestId: string): Promise<RequestView | undefined> {
  return db.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const [row] = await tx.query(
      `SELECT ${SUMMARY_COLUMNS}, file_url, reasons, error, outputs FROM requests WHERE request_id = $1`,
      [requestId],
    );
    if (!row) return undefined;
    const tree = [requestId, (row.run_id as string | null) ?? null];
    const runRows = await tx.query(
      `${RUN_TREE}
       SELECT r.run_id, r.template, r.version, r.parent_run_id, r.parent_task_key, r.status,
              r.started_at, r.finished_at, r.error
       FROM runs r JOIN tree USING (run_id) ORDER BY r.first_seq, r.run_id`,
      tree,
    );
    const taskRows = await tx.query(
      `${RUN_TREE}
       SELECT t.run_id, t.task_key, t.type, t.status, t.attempts, t.started_at, t.finished_at, t.error
       FROM tasks t JOIN tree USING (run_id) ORDER BY t.first_seq, t.task_key`,
      tree,
    );
    const commitRows = await tx.query<{ repo: string; commit: string }>(
      'SELECT repo, commit FROM commits WHERE request_id = $1 ORDER BY at, repo, commit',
      [requestId],
    );
    const tasksByRun = new Map<string, TaskView[]>();
    for (const t of taskRows) {
      const runId = String(t.run_id);
      const list = tasksByRun.get(runId);
      if (list) list.push(toTask(t));
      else tasksByRun.set(runId, [toTask(t)]);
    }
    const commits: CommitView[] = commitRows.map((c) => ({ repo: c.repo, commit: c.commit }));
    const body = row.body as {
      managed?: boolean;
      notes?: string;
      notify?: string[];
      catalogItem?: string;
    } | null;
    return {
      ...toSummary(row),
      managed: body?.managed ?? null,
      notes: body?.notes ?? null,
      notify: body?.notify ?? [],
      catalogItem: body?.catalogItem ?? null,
      fileUrl: (row.file_url as string | null) ?? null,
      reasons: (row.reasons as RequestView['reasons']) ?? null,
      runs: runRows.map((r) => toRun(r, tasksByRun.get(String(r.run_id)) ?? [])),
      commits,
      outputs: row.outputs ?? null,
      error: (row.error as ErrorData | null) ?? null,
    };
  });
}
