/**
 * The TFE / HCP Terraform API client: one typed object over the resource modules, sharing one
 * transport (connection pool, token, retry policy). All failures are OoErrors with OO_ERR_TFE_* codes
 * (or OO_ERR_TIMEOUT / OO_ERR_CANCELLED for waits). GETs are retried on 5xx, lost connections and 429;
 * writes never are. The token is sent only to `baseUrl`, never to upload or log URLs.
 */
import {
  type CreatedConfigurationVersion,
  createConfigurationVersion,
  getConfigurationVersion,
  type TfeConfigurationVersion,
  uploadConfiguration,
  waitForConfigurationVersion,
} from './configuration-versions.js';
import { createTransport, type RetryEvent } from './http-transport.js';
import {
  getApply,
  getPlan,
  type LogChunk,
  type LogSource,
  readLog,
  readLogChunk,
  readWholeLog,
  type TfePhase,
} from './logs.js';
import { DEFAULT_GET_RETRY, type GetRetryPolicy } from './retry.js';
import {
  createRun,
  findRunByMessage,
  getRun,
  listRuns,
  type RunCreateInput,
  type RunPage,
  runAction,
  type TfeRun,
  waitForRun,
} from './runs.js';
import { getCurrentStateOutputs, type TfeStateOutput } from './state-outputs.js';
import type { CallOptions, WaitOptions } from './types.js';
import {
  createVariable,
  deleteVariable,
  listVariables,
  setVariables,
  type TfeVariable,
  updateVariable,
  type VariableInput,
} from './variables.js';
import {
  createWorkspace,
  ensureWorkspace,
  findWorkspace,
  getWorkspace,
  type TfeWorkspace,
  type WorkspaceCreateInput,
} from './workspaces.js';

export interface TfeClientOptions {
  /** TFE origin, e.g. `https://app.terraform.io` or `https://tfe.example.com` (`/api/v2` optional). */
  readonly baseUrl: string;
  /** User or team API token (organization tokens cannot create runs). Never logged. */
  readonly token: string;
  /** How GETs are retried; defaults in DEFAULT_GET_RETRY. */
  readonly retry?: Partial<GetRetryPolicy>;
  /** Per attempt, for response headers and again for the body (ms). Default 30_000. */
  readonly requestTimeoutMs?: number;
  /** Called before each GET retry (for logs and metrics; carries no secret). */
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface TfeClient {
  getWorkspace(organization: string, name: string, options?: CallOptions): Promise<TfeWorkspace>;
  findWorkspace(organization: string, name: string, options?: CallOptions): Promise<TfeWorkspace | undefined>;
  createWorkspace(
    organization: string,
    input: WorkspaceCreateInput,
    options?: CallOptions,
  ): Promise<TfeWorkspace>;
  ensureWorkspace(
    organization: string,
    input: WorkspaceCreateInput,
    options?: CallOptions,
  ): Promise<TfeWorkspace>;

  listVariables(workspaceId: string, options?: CallOptions): Promise<TfeVariable[]>;
  createVariable(workspaceId: string, input: VariableInput, options?: CallOptions): Promise<TfeVariable>;
  updateVariable(
    workspaceId: string,
    variableId: string,
    patch: Partial<VariableInput>,
    options?: CallOptions,
  ): Promise<TfeVariable>;
  deleteVariable(workspaceId: string, variableId: string, options?: CallOptions): Promise<void>;
  setVariables(
    workspaceId: string,
    inputs: readonly VariableInput[],
    options?: CallOptions,
  ): Promise<TfeVariable[]>;

  createConfigurationVersion(
    workspaceId: string,
    input?: { readonly speculative?: boolean },
    options?: CallOptions,
  ): Promise<CreatedConfigurationVersion>;
  uploadConfiguration(uploadUrl: string, tarball: Uint8Array, options?: CallOptions): Promise<void>;
  getConfigurationVersion(id: string, options?: CallOptions): Promise<TfeConfigurationVersion>;
  waitForConfigurationVersion(id: string, options?: WaitOptions): Promise<TfeConfigurationVersion>;

  createRun(input: RunCreateInput, options?: CallOptions): Promise<TfeRun>;
  getRun(runId: string, options?: CallOptions): Promise<TfeRun>;
  listRuns(
    workspaceId: string,
    page?: { readonly pageNumber?: number; readonly pageSize?: number },
    options?: CallOptions,
  ): Promise<RunPage>;
  findRunByMessage(
    workspaceId: string,
    text: string,
    options?: CallOptions & { readonly maxPages?: number },
  ): Promise<TfeRun | undefined>;
  /** Confirms a run awaiting confirmation (`actions.isConfirmable`); OO_ERR_TFE_CONFLICT otherwise. */
  applyRun(runId: string, comment?: string, options?: CallOptions): Promise<void>;
  discardRun(runId: string, comment?: string, options?: CallOptions): Promise<void>;
  cancelRun(runId: string, comment?: string, options?: CallOptions): Promise<void>;
  forceCancelRun(runId: string, comment?: string, options?: CallOptions): Promise<void>;
  /** Polls until `until(run)`; default: awaiting confirmation or final. */
  waitForRun(runId: string, until?: (run: TfeRun) => boolean, options?: WaitOptions): Promise<TfeRun>;

  getPlan(planId: string, options?: CallOptions): Promise<TfePhase>;
  getApply(applyId: string, options?: CallOptions): Promise<TfePhase>;
  readLog(
    source: LogSource,
    position?: { readonly offset?: number; readonly limit?: number },
    options?: CallOptions,
  ): Promise<LogChunk>;
  readLogChunk(
    logReadUrl: string,
    position?: { readonly offset?: number; readonly limit?: number },
    options?: CallOptions,
  ): Promise<LogChunk>;
  readWholeLog(
    source: LogSource,
    options?: CallOptions & { readonly tailChars?: number },
  ): Promise<{ readonly text: string; readonly complete: boolean }>;

  getCurrentStateOutputs(workspaceId: string, options?: CallOptions): Promise<TfeStateOutput[]>;

  /** Closes pooled connections; the client is unusable afterwards. */
  close(): Promise<void>;
}

export function createTfeClient(options: TfeClientOptions): TfeClient {
  const t = createTransport({
    baseUrl: options.baseUrl,
    token: options.token,
    retry: { ...DEFAULT_GET_RETRY, ...options.retry },
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  return {
    getWorkspace: (organization, name, o) => getWorkspace(t, organization, name, o),
    findWorkspace: (organization, name, o) => findWorkspace(t, organization, name, o),
    createWorkspace: (organization, input, o) => createWorkspace(t, organization, input, o),
    ensureWorkspace: (organization, input, o) => ensureWorkspace(t, organization, input, o),

    listVariables: (workspaceId, o) => listVariables(t, workspaceId, o),
    createVariable: (workspaceId, input, o) => createVariable(t, workspaceId, input, o),
    updateVariable: (workspaceId, variableId, patch, o) =>
      updateVariable(t, workspaceId, variableId, patch, o),
    deleteVariable: (workspaceId, variableId, o) => deleteVariable(t, workspaceId, variableId, o),
    setVariables: (workspaceId, inputs, o) => setVariables(t, workspaceId, inputs, o),

    createConfigurationVersion: (workspaceId, input, o) =>
      createConfigurationVersion(t, workspaceId, input, o),
    uploadConfiguration: (uploadUrl, tarball, o) => uploadConfiguration(t, uploadUrl, tarball, o),
    getConfigurationVersion: (id, o) => getConfigurationVersion(t, id, o),
    waitForConfigurationVersion: (id, o) => waitForConfigurationVersion(t, id, o),

    createRun: (input, o) => createRun(t, input, o),
    getRun: (runId, o) => getRun(t, runId, o),
    listRuns: (workspaceId, page, o) => listRuns(t, workspaceId, page, o),
    findRunByMessage: (workspaceId, text, o) => findRunByMessage(t, workspaceId, text, o),
    applyRun: (runId, comment, o) => runAction(t, runId, 'apply', comment, o),
    discardRun: (runId, comment, o) => runAction(t, runId, 'discard', comment, o),
    cancelRun: (runId, comment, o) => runAction(t, runId, 'cancel', comment, o),
    forceCancelRun: (runId, comment, o) => runAction(t, runId, 'force-cancel', comment, o),
    waitForRun: (runId, until, o) => waitForRun(t, runId, until, o),

    getPlan: (planId, o) => getPlan(t, planId, o),
    getApply: (applyId, o) => getApply(t, applyId, o),
    readLog: (source, position, o) => readLog(t, source, position, o),
    readLogChunk: async (logReadUrl, position, o) => {
      const { text, nextOffset, complete } = await readLogChunk(t, logReadUrl, position, o);
      return { text, nextOffset, complete };
    },
    readWholeLog: (source, o) => readWholeLog(t, source, o),

    getCurrentStateOutputs: (workspaceId, o) => getCurrentStateOutputs(t, workspaceId, o),

    close: () => t.close(),
  };
}
