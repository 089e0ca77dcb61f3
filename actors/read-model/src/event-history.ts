/** The folded events of one request, in stream order: what the gateway's SSE replays before going live. */
import { type Db, iso, num } from './db.js';
import type { EventRecord } from './views.js';

/**
 * Events of `requestId` (its runs and tasks included) with a sequence above `afterSeq`, oldest
 * first, at most `limit` (1..1000); page on by passing the last `seq` back as `afterSeq`.
 */
export async function requestEvents(
  db: Db,
  requestId: string,
  afterSeq = 0,
  limit = 1_000,
): Promise<EventRecord[]> {
  const rows = await db.query(
    `SELECT seq, subject, request_id, run_id, at, body FROM events
     WHERE request_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [requestId, afterSeq, Math.min(Math.max(1, Math.trunc(limit)), 1_000)],
  );
  return rows.map((row) => ({
    seq: num(row.seq),
    subject: String(row.subject),
    requestId: (row.request_id as string | null) ?? null,
    runId: (row.run_id as string | null) ?? null,
    at: iso(row.at),
    body: row.body as Record<string, unknown>,
  }));
}
