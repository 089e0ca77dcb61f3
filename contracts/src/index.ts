export {
  COMMON_FORMAT_VERSION,
  CommitRef,
  CommonResource,
  DnsRecordResource,
  RepoMetadata,
  VirtualMachineResource,
} from './common-format.js';
export { DeadLetter } from './dead-letter.js';
export { FilestoreErrors } from './error-codes/filestore.js';
export { HttpErrors } from './error-codes/http.js';
export { InventoryErrors } from './error-codes/inventory.js';
export { NotifierErrors } from './error-codes/notify.js';
export { PolicyErrors } from './error-codes/policy.js';
export { RequestErrors } from './error-codes/request.js';
export { RfmErrors } from './error-codes/rfm.js';
export type { ErrorCode, ErrorSpec } from './errors.js';
export {
  ErrorCodeSchema,
  ErrorData,
  ErrorRegistry,
  errorTableMarkdown,
  isRejection,
  OoError,
  retryable,
  terminal,
  toOoError,
} from './errors.js';
export { Headers, schemaHeader, schemaVersionIn } from './headers.js';
export type { IdPrefix } from './ids.js';
export { idSchema, idTime, newId, Timestamp, TraceId } from './ids.js';
export * from './inventory.js';
export type { TaskEventOrder } from './late-scheduled.js';
export { taskEventOrder } from './late-scheduled.js';
export { NoticeKind, NotifyEmail, NotifySubjects } from './notify.js';
export {
  collectedOutputName,
  forEachItemsName,
  isOutputRef,
  OUTPUT_INLINE_MAX_BYTES,
  OutputRef,
  runOutputName,
  taskOutputName,
} from './output-ref.js';
export * from './policy.js';
export { PresenceEntry } from './presence.js';
export type { Permission } from './principal.js';
export { can, Permissions, Principal, Role } from './principal.js';
export { PublicSchemas } from './public-schemas.js';
export type { RequestBodyInput } from './request.js';
export {
  CancelRequest,
  DnsRecordSpec,
  EXAMPLE_VM,
  Hostname,
  RequestBody,
  RequestEvent,
  RequestStatus,
  RequestSubjects,
  RerunRequest,
  ResourceSpec,
  rejectionReasons,
  requestEventSubject,
  VirtualMachineSpec,
} from './request.js';
export type { SchemaIssue } from './schema-issues.js';
export { issuesText, schemaIssues, schemaReasons } from './schema-issues.js';
export type { UnstorableString } from './storable-text.js';
export { storableText, unstorableStrings } from './storable-text.js';
export type { BucketSpec, ObjectStoreSpec, StreamName, StreamSpec } from './streams.js';
export {
  BucketNames,
  Buckets,
  KEEP_ENDED_REQUESTS_MS,
  KEEP_ENDED_RUNS_MS,
  ObjectStoreNames,
  ObjectStores,
  OUTPUTS_TTL_MS,
  PRESENCE_INTERVAL_MS,
  PRESENCE_TTL_MS,
  REQUEST_FILES_PREFIX,
  StreamNames,
  Streams,
} from './streams.js';
export { subjectNamed } from './subject-catalog.js';
export type { BodyOf, ParsedBodyOf, Subject, SubjectKind } from './subjects.js';
export {
  assertSubjectName,
  deadLetterSubjectName,
  durableName,
  isPattern,
  subject,
} from './subjects.js';
export type { TemplateInput } from './template.js';
export {
  TASK_ID,
  TASK_TYPE,
  TaskRetry,
  TaskSpec,
  TEMPLATE_NAME,
  Template,
} from './template.js';
export { exceedsUtf8Bytes } from './utf8-size.js';
export {
  CancelRun,
  ChildRunEnded,
  EngineSubjects,
  ParentRef,
  RunEnd,
  RunEvent,
  RunId,
  RunStatus,
  runEndKey,
  runEventSubject,
  StartRun,
  TaskEvent,
  TaskId,
  TaskKey,
  TaskMessage,
  TaskStatus,
  taskEndKey,
  taskEventSubject,
  taskSubject,
} from './workflow.js';
