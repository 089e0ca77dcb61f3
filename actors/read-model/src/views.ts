/**
 * The shapes the read model returns, as zod schemas: the gateway builds its OpenAPI document and
 * response validation from these. Absent values are `null` (never missing keys), and every time is
 * RFC 3339 in UTC with millisecond precision.
 */
import {
  ErrorData,
  PolicyRecord,
  RequestStatus,
  ResourceSpec,
  Role,
  RunStatus,
  TaskStatus,
  Timestamp,
} from '@oo/contracts';
import { z } from 'zod';

export const TaskView = z.object({
  /** The task key within its run (`<taskId>` or `<taskId>[<index>]` for a forEach element). */
  id: z.string(),
  type: z.string(),
  status: TaskStatus,
  /** Highest attempt number seen (0 for a task never dispatched). */
  attempts: z.number().int(),
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  error: ErrorData.nullable(),
});
export type TaskView = z.infer<typeof TaskView>;

export const RunView = z.object({
  runId: z.string(),
  template: z.string(),
  version: z.number().int(),
  parentRunId: z.string().nullable(),
  parentTaskKey: z.string().nullable(),
  status: RunStatus,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  error: ErrorData.nullable(),
  /** In the order the engine first reported them. */
  tasks: z.array(TaskView),
});
export type RunView = z.infer<typeof RunView>;

export const CommitView = z.object({ repo: z.string(), commit: z.string() });
export type CommitView = z.infer<typeof CommitView>;

export const RejectionReason = z.object({ path: z.string(), message: z.string() });

export const RequestView = z.object({
  requestId: z.string(),
  traceId: z.string(),
  status: RequestStatus,
  submittedBy: z.string(),
  submittedAt: Timestamp,
  updatedAt: Timestamp,
  /** What was asked for; empty until an event carrying the body has been folded. */
  resources: z.array(ResourceSpec),
  /** Kept under Terraform (true) or built once by Ansible; null until the body has been folded. */
  managed: z.boolean().nullable(),
  /** The requester's notes, as submitted. */
  notes: z.string().nullable(),
  /** Extra addresses told about the request. */
  notify: z.array(z.string()),
  /** The catalog item it named (`requests.catalog`), as submitted. */
  catalogItem: z.string().nullable(),
  template: z.string().nullable(),
  /** The request's root run. */
  runId: z.string().nullable(),
  fileUrl: z.string().nullable(),
  rerunOf: z.string().nullable(),
  /** Every reason, for a rejected request. */
  reasons: z.array(RejectionReason).nullable(),
  /** The root run and all its descendants, in the order they started. */
  runs: z.array(RunView),
  commits: z.array(CommitView),
  outputs: z.unknown().nullable(),
  error: ErrorData.nullable(),
});
export type RequestView = z.infer<typeof RequestView>;

export const RequestSummary = RequestView.pick({
  requestId: true,
  traceId: true,
  status: true,
  submittedBy: true,
  submittedAt: true,
  updatedAt: true,
  resources: true,
  template: true,
  runId: true,
  rerunOf: true,
});
export type RequestSummary = z.infer<typeof RequestSummary>;

export const RequestPage = z.object({
  /** Newest first. */
  items: z.array(RequestSummary),
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type RequestPage = z.infer<typeof RequestPage>;

export const EventRecord = z.object({
  /** The event's sequence in the OO_EVT stream: a total order, and the SSE `id`. */
  seq: z.number().int(),
  subject: z.string(),
  requestId: z.string().nullable(),
  runId: z.string().nullable(),
  at: Timestamp,
  /** The RunEvent, TaskEvent or RequestEvent as published. */
  body: z.record(z.string(), z.unknown()),
});
export type EventRecord = z.infer<typeof EventRecord>;

export const TokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

export const CreatedToken = z.object({
  token: TokenInfo,
  /** `oo_<token id>_<random>`: shown once, stored only as its sha256. */
  secret: z.string(),
});
export type CreatedToken = z.infer<typeof CreatedToken>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: Timestamp,
  /** Who acted: a principal's `sub`. */
  principal: z.string(),
  /** Dotted verb, e.g. `request.submit`, `token.create`. */
  action: z.string(),
  /** What it acted on: a request id, token id, template name... */
  target: z.string(),
  details: z.record(z.string(), z.unknown()).nullable(),
  traceId: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

export const StoredResponse = z.object({
  principal: z.string(),
  key: z.string(),
  /** Hash of the request body the key was first used with; a different body under the same key is a conflict. */
  bodyHash: z.string(),
  response: z.unknown(),
  createdAt: Timestamp,
});
export type StoredResponse = z.infer<typeof StoredResponse>;

export const PolicyHistoryPage = z.object({
  /** Every stored version with who set it and when, newest first. */
  items: z.array(PolicyRecord),
  /** Pass back as `before` for the next page; null on the last page. */
  nextBefore: z.number().int().nullable(),
});
export type PolicyHistoryPage = z.infer<typeof PolicyHistoryPage>;
