export type { AuditInput } from './audit.js';
export { AuditQuery } from './audit.js';
export type { Position } from './cursor.js';
export { Cursor } from './cursor.js';
export type { Db, Row } from './db.js';
export { isTransientDbError } from './db-errors.js';
export type { RememberInput } from './idempotency.js';
export type { Migration } from './migrate.js';
export type { UsableRange } from './network-range.js';
export { usableRange } from './network-range.js';
export type { OpenReadModelOptions, ReadModel } from './open-read-model.js';
export { openReadModel } from './open-read-model.js';
export type { PolicyChange } from './policy-store.js';
export {
  getPolicy,
  POLICY_CHANGE_ACTION,
  PolicyHistoryQuery,
  policyVersion,
  SEED_AUTHOR,
} from './policy-store.js';
export { RequestListQuery } from './request-list.js';
export { PROJECTED_TABLES } from './reset-projections.js';
export { samplePolicy } from './sample-policy.js';
export type { Snapshot } from './snapshot.js';
export { snapshotProjections } from './snapshot.js';
export { COMMIT_TASK_TYPE } from './task-projection.js';
export { isTokenSecret, TOUCH_INTERVAL_MS } from './tokens.js';
export {
  AuditEntry,
  AuditPage,
  CommitView,
  CreatedToken,
  EventRecord,
  PolicyHistoryPage,
  RejectionReason,
  RequestPage,
  RequestSummary,
  RequestView,
  RunView,
  StoredResponse,
  TaskView,
  TokenInfo,
} from './views.js';
