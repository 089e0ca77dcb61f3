/** Listing requests newest first, filtered by status or submitter, one keyset page at a time. */
import { RequestStatus } from '@oo/contracts';
import { z } from 'zod';
import { Cursor, encodeCursor } from './cursor.js';
import { binder, type Db, timeParam } from './db.js';
import { SUMMARY_COLUMNS, toSummary } from './request-view.js';
import type { RequestPage } from './views.js';

/** The query of a listing; also the gateway's query-string schema (numbers may arrive as strings). */
export const RequestListQuery = z.object({
  status: RequestStatus.optional(),
  /** A principal's `sub`; requesters are limited to their own by the gateway. */
  submittedBy: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: Cursor.optional(),
});
export type RequestListQuery = z.input<typeof RequestListQuery>;

/** Throws a ZodError naming the field for an invalid query (a limit out of 1..100, a forged cursor). */
export async function listRequests(db: Db, query: RequestListQuery): Promise<RequestPage> {
  const q = RequestListQuery.parse(query);
  const where: string[] = [];
  const { values, bind } = binder();
  if (q.status) where.push(`status = ${bind(q.status)}`);
  if (q.submittedBy) where.push(`submitted_by = ${bind(q.submittedBy)}`);
  if (q.cursor) {
    where.push(`(submitted_at, request_id) < (${bind(timeParam(q.cursor.at))}, ${bind(q.cursor.id)})`);
  }
  // One row past the page tells whether there is a next page without a count.
  const rows = await db.query(
    `SELECT ${SUMMARY_COLUMNS} FROM requests
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY submitted_at DESC, request_id DESC LIMIT ${bind(q.limit + 1)}`,
    values,
  );
  const items = rows.slice(0, q.limit).map(toSummary);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ at: last.submittedAt, id: last.requestId }) : null,
  };
}
