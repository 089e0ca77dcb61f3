export type { ConfigFiles, TarballEntry } from './config-tarball.js';
export { buildConfigTarball, readConfigTarball, readModuleDirectory } from './config-tarball.js';
export type {
  CreatedConfigurationVersion,
  TfeConfigurationVersion,
  TfeConfigurationVersionStatus,
} from './configuration-versions.js';
export type { RetryEvent } from './http-transport.js';
export type { LogChunk, LogSource, TfePhase, TfePhaseStatus } from './logs.js';
export type { ModuleVariable } from './module-variables.js';
export { parseVariables, readModuleVariables } from './module-variables.js';
export type { PreparedRun, PrepareOptions } from './prepare-resource.js';
export { prepareTfeRuns, workspaceNameFor } from './prepare-resource.js';
export type { GetRetryPolicy } from './retry.js';
export { DEFAULT_GET_RETRY } from './retry.js';
export { markedMessage, runMarker } from './run-marker.js';
export type { RunAction, RunCreateInput, RunPage, TfeRun, TfeRunActions, TfeRunStatus } from './runs.js';
export { isRunAwaitingConfirmation, isRunFinal, isRunSettled } from './runs.js';
export type { TfeStateOutput } from './state-outputs.js';
export { TfeRunInput, VarSpec } from './task-schemas.js';
export type { TerraformRunnerConfig } from './terraform-runner.js';
export { TERRAFORM_TASK_TYPES, TerraformRunnerSettings, terraformRunnerFor } from './terraform-runner.js';
export type { TfeClient, TfeClientOptions } from './tfe-client.js';
export { createTfeClient } from './tfe-client.js';
export type { CallOptions, WaitOptions } from './types.js';
export type { TfeVariable, TfeVariableCategory, VariableInput } from './variables.js';
export type { VarValue } from './vm-variables.js';
export { moduleMismatches, vmVariables } from './vm-variables.js';
export type { TfeWorkspace, WorkspaceCreateInput } from './workspaces.js';
