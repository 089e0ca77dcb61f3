export type { ActorContext, Again, HandlerResult } from './actor-context.js';
export type { ActorEnv } from './actor-env.js';
export type { ActorHandle, StartActorOptions } from './actor-host.js';
export { startActor } from './actor-host.js';
export type { BucketRetention, BucketRetentionOptions } from './bucket-retention.js';
export { startBucketRetention } from './bucket-retention.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { LoadConfigOptions } from './config.js';
export { ENV_KEYS, LogLevel, loadConfig, RuntimeConfig } from './config.js';
export type { Nats } from './connection.js';
export { connectNats } from './connection.js';
export { discardDeadLetter } from './dead-letter-discard.js';
export type { DeadLetterPage, DeadLetterQuery, StoredDeadLetter } from './dead-letter-reader.js';
export { ACTOR_NAME, readDeadLetter, readDeadLetters } from './dead-letter-reader.js';
export { type DeadLetterReplay, replayDeadLetter, whyNotReplayable } from './dead-letter-replay.js';
export type {
  ActorDefinition,
  ActorSetup,
  Handler,
  HandlerDef,
  HandlerOptions,
  Interceptor,
  RefusedHook,
} from './define-actor.js';
export { defineActor, on } from './define-actor.js';
export type { FileRetention, FileRetentionOptions, SelectFile } from './file-retention.js';
export { removeFilesWrittenBefore, startFileRetention } from './file-retention.js';
export { type ListeningApp, listenNamingKeys } from './http-listen.js';
export type { BucketConnection, JsonBucket, JsonBucketOptions, KeyWrite, Versioned } from './json-bucket.js';
export { jsonBucket } from './json-bucket.js';
export { stopOnSignals } from './lifecycle.js';
export type { MetricsSource } from './metrics.js';
export { escapeLabelValue, renderMetrics } from './metrics.js';
export type { MetricsServer, MetricsServerOptions } from './metrics-server.js';
export { startMetricsServer } from './metrics-server.js';
export { isNatsUnreachable } from './nats-unreachable.js';
export type { ListedFile, ObjectFiles, ObjectStoreConnection, StoredFile } from './object-files.js';
export { objectFiles, openObjectFiles } from './object-files.js';
export { type OutputValues, outputValues } from './output-values.js';
export type { PeriodicPass, PeriodicPassOptions } from './periodic-pass.js';
export { reportFailure, startPeriodicPass } from './periodic-pass.js';
export { presenceKey, readPresence } from './presence.js';
export type { PrincipalTokenOptions, PrincipalTokens, VerifyOptions } from './principal-token.js';
export {
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_PRINCIPAL_TTL_SECONDS,
  principalTokens,
  verifyCaller,
} from './principal-token.js';
export { openBucket, provisionAll } from './provision.js';
export type { MessageIds, Publish, PublishOptions, PublishResult } from './publisher.js';
export { createPublisher } from './publisher.js';
export type { RetryPolicy } from './retry-policy.js';
export { DEFAULT_RETRY, delayFor, exponentialBackoff } from './retry-policy.js';
export type { ActorStats, SubjectStats } from './stats.js';
export * from './task/index.js';
export type { Telemetry, TelemetryOptions } from './telemetry.js';
export { startTelemetry } from './telemetry.js';
export { contextInTrace, startSpanInTrace } from './trace-continuation.js';
export { RUNTIME_VERSION } from './version.js';
