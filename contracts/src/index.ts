export {
  subject,
  isPattern,
  assertSubjectName,
  deadLetterSubjectName,
  durableName,
} from './subjects.js';
export type { Subject, SubjectKind, BodyOf, ParsedBodyOf } from './subjects.js';
export {
  StreamNames,
  Streams,
  BucketNames,
  Buckets,
  ObjectStoreNames,
  ObjectStores,
  PRESENCE_TTL_MS,
  PRESENCE_INTERVAL_MS,
} from './streams.js';
export type { StreamName, StreamSpec, BucketSpec, ObjectStoreSpec } from './streams.js';
export { Headers } from './headers.js';
export {
  ErrorRegistry,
  ErrorCodeSchema,
  ErrorData,
  OoError,
  terminal,
  retryable,
  toOoError,
  errorTableMarkdown,
} from './errors.js';
export type { ErrorCode, ErrorSpec } from './errors.js';
export { newId, idSchema, TraceId, Timestamp } from './ids.js';
export type { IdPrefix } from './ids.js';
export { DeadLetter } from './dead-letter.js';
export { PresenceEntry } from './presence.js';
export { PublicSchemas } from './public-schemas.js';
export {
  TaskRetry,
  TaskSpec,
  Template,
  TASK_ID,
  TASK_TYPE,
  TEMPLATE_NAME,
} from './template.js';
export type { TemplateInput } from './template.js';
export {
  RunId,
  TaskId,
  TaskKey,
  RunStatus,
  TaskStatus,
  ParentRef,
  StartRun,
  CancelRun,
  TaskMessage,
  TaskReport,
  RunEvent,
  TaskEvent,
  EngineSubjects,
  runEventSubject,
  taskEventSubject,
  taskSubject,
} from './workflow.js';
