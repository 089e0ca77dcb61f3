/**
 * The requests actor's memory: one KV entry per request (bucket `requests`), changed only by
 * compare-and-set, so replicas and redeliveries never lose each other's writes. Creating the record
 * is the commit point of a submit: ids chosen then (the run id) never change.
 */
import { RequestBody, RequestStatus, Timestamp } from '@oo/contracts';
import type { JsonBucket } from '@oo/runtime';
import { z } from 'zod';

export const RerunOf = z
  .object({ requestId: z.string(), runId: z.string(), mode: z.enum(['restart', 'resume']) })
  .strict();
export type RerunOf = z.infer<typeof RerunOf>;

export const RequestRecord = z
  .object({
    requestId: z.string(),
    traceId: z.string(),
    /** The requester; a rerun keeps the original requester here. */
    submittedBy: z.string(),
    /** Who asked for a rerun (an operator or admin). */
    rerunBy: z.string().optional(),
    /** When the command was stored in the stream: the same on every redelivery. */
    submittedAt: Timestamp,
    /**
     * What was asked for. Absent only for a submit refused for its body (not JSON, or not its
     * schema): nothing of it was taken in, the record just spends its id (see submit-refusal.ts).
     */
    body: RequestBody.optional(),
    status: RequestStatus,
    template: z.string().optional(),
    runId: z.string().optional(),
    fileUrl: z.string().optional(),
    rerunOf: RerunOf.optional(),
    reasons: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** Every publish of the first outcome (accepted + start, or rejected) went out. */
    dispatched: z.boolean(),
  })
  .strict();
export type RequestRecord = z.infer<typeof RequestRecord>;

const ENDED: ReadonlySet<RequestStatus> = new Set(['succeeded', 'failed', 'rejected', 'cancelled']);

/**
 * True once the request's run has ended one way or another (`rejected` too: its run may have
 * rejected it). A request rejected before it ran has no run: callers check `runId` as well.
 */
export function hasEnded(status: RequestStatus): boolean {
  return ENDED.has(status);
}

export interface RequestRecords {
  get(requestId: string): Promise<RequestRecord | undefined>;
  /** Stores a new record; when one exists already (a duplicate raced us) that one is returned. */
  create(record: RequestRecord): Promise<{ record: RequestRecord; created: boolean }>;
  /**
   * Applies `change` to the latest record until the write sticks. `change` returns undefined for
   * "nothing to change". Undefined when the request is unknown.
   */
  change(
    requestId: string,
    change: (record: RequestRecord) => RequestRecord | undefined,
  ): Promise<{ record: RequestRecord; changed: boolean } | undefined>;
}

const MAX_CAS_TRIES = 20;

export function requestRecords(bucket: JsonBucket<RequestRecord>): RequestRecords {
  return {
    async get(requestId) {
      return (await bucket.get(requestId))?.value;
    },
    async create(record) {
      for (let i = 0; i < MAX_CAS_TRIES; i++) {
        if ((await bucket.create(record.requestId, record)) !== undefined) return { record, created: true };
        const existing = await bucket.get(record.requestId);
        if (existing) return { record: existing.value, created: false };
        // Created and deleted in between: try again.
      }
      throw new Error(`request record ${record.requestId} kept changing; giving up`);
    },
    async change(requestId, change) {
      for (let i = 0; i < MAX_CAS_TRIES; i++) {
        const current = await bucket.get(requestId);
        if (!current) return undefined;
        const next = change(current.value);
        if (next === undefined) return { record: current.value, changed: false };
        if ((await bucket.update(requestId, next, current.revision)) !== undefined) {
          return { record: next, changed: true };
        }
      }
      throw new Error(`request record ${requestId} kept changing; giving up`);
    },
  };
}
