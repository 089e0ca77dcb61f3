/**
 * RequestEvent -> the `requests` row of that request (see fold.ts for the ordering rules), and the
 * submission in the audit trail. The status is the one the requests actor decided: a request whose
 * run failed on a rejecting error (the policy) arrives as `rejected`, with its reasons and the error.
 */
import { type RequestEvent, requestEventSubject } from '@oo/contracts';
import { recordAudit } from './audit.js';
import { type Db, json, timeParam } from './db.js';
import { foldEvent, known, latest, sequences } from './fold.js';

const UPSERT = `
INSERT INTO requests AS q (request_id, trace_id, status, submitted_by, submitted_at, updated_at, body,
  template, run_id, file_url, rerun_of, reasons, error, outputs, last_seq)
VALUES ($1, $2, $3, $4, $5, $5, $6::jsonb, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13::jsonb, $14)
ON CONFLICT (request_id) DO UPDATE SET
  ${known('q', ['trace_id', 'submitted_by', 'body', 'template', 'run_id', 'file_url', 'rerun_of'])},
  ${latest('q', ['status', 'updated_at', 'reasons', 'error', 'outputs'])},
  -- The first event's time is when it was submitted, whichever event arrives first.
  submitted_at = LEAST(q.submitted_at, excluded.submitted_at),
  ${sequences('q', false)}`;

/**
 * Whether the event answers a submission: the moment to put "X submitted R" in the audit trail.
 * `accepted`, or `rejected` before any run; a request its run rejected (the policy, through RFM's
 * rejecting error) was accepted first and is on record already.
 */
function answersSubmission(event: RequestEvent): boolean {
  return event.status === 'accepted' || (event.status === 'rejected' && event.runId === undefined);
}

/** Folds a request event at stream sequence `seq`; false when that sequence was folded before. */
export function applyRequestEvent(db: Db, seq: number, event: RequestEvent): Promise<boolean> {
  const record = {
    seq,
    subject: requestEventSubject(event.status).name,
    requestId: event.requestId,
    runId: event.runId,
    body: event,
    at: event.at,
  };
  return foldEvent(db, record, async (tx) => {
    await tx.query(UPSERT, [
      event.requestId,
      event.traceId,
      event.status,
      event.submittedBy,
      timeParam(event.at),
      json(event.body),
      event.template ?? null,
      event.runId ?? null,
      event.fileUrl ?? null,
      event.rerunOf ?? null,
      json(event.reasons),
      json(event.error),
      json(event.output),
      seq,
    ]);
    if (!answersSubmission(event)) return;
    await recordAudit(
      tx,
      {
        principal: event.submittedBy,
        action: 'request.submit',
        target: event.requestId,
        details: { outcome: event.status, ...(event.rerunOf ? { rerunOf: event.rerunOf } : {}) },
        traceId: event.traceId,
        at: event.at,
      },
      () => new Date(event.at),
    );
  });
}
