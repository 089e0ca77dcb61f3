export type { ConfigFiles, TarballEntry } from './config-tarball.js';
export { buildConfigTarball, readConfigTarball, readModuleDirectory } from './config-tarball.js';
export type {
  CreatedConfigurationVersion,
  TfeConfigurationVersion,
  TfeConfigurationVersionStatus,
} from './configuration-versions.js';
export type { RetryEvent } from './http-transport.js';
export type { LogChunk, LogSource, TfePhase, TfePhaseStatus } from './logs.js';
export type { GetRetryPolicy } from './retry.js';
export { DEFAULT_GET_RETRY } from './retry.js';
export type { RunAction, RunCreateInput, RunPage, TfeRun, TfeRunActions, TfeRunStatus } from './runs.js';
export { isRunAwaitingConfirmation, isRunFinal, isRunSettled } from './runs.js';
export type { TfeStateOutput } from './state-outputs.js';
export type { TfeClient, TfeClientOptions } from './tfe-client.js';
export { createTfeClient } from './tfe-client.js';
export type { CallOptions, WaitOptions } from './types.js';
export type { TfeVariable, TfeVariableCategory, VariableInput } from './variables.js';
export type { TfeWorkspace, WorkspaceCreateInput } from './workspaces.js';
