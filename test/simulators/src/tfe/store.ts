/**
 * The simulator's in-memory state: every TFE resource it knows, keyed by id, in creation order.
 * Plain records mutated by the route handlers and the run state machine; nothing here does I/O.
 */
import { randomBytes } from 'node:crypto';
import type { LogBuffer } from './logs.js';
import type { ScenarioName, Step } from './scenarios.js';
import type { TarballFile } from './tarball-check.js';

/** Run states of tfe-api.md §5.3 that the simulator can reach. */
export type RunStatus =
  | 'pending'
  | 'plan_queued'
  | 'planning'
  | 'planned'
  | 'cost_estimating'
  | 'cost_estimated'
  | 'policy_checking'
  | 'policy_checked'
  | 'confirmed'
  | 'apply_queued'
  | 'applying'
  | 'applied'
  | 'planned_and_finished'
  | 'discarded'
  | 'errored'
  | 'canceled'
  | 'force_canceled';

/** Statuses of a plan or an apply (tfe-api.md §6). */
export type PhaseStatus =
  | 'pending'
  | 'queued'
  | 'running'
  | 'finished'
  | 'errored'
  | 'canceled'
  | 'unreachable';

export interface Organization {
  readonly kind: 'organization';
  readonly id: string;
  readonly name: string;
}

export interface Workspace {
  readonly kind: 'workspace';
  readonly id: string;
  readonly organization: string;
  readonly name: string;
  description: string;
  autoApply: boolean;
  executionMode: string;
  terraformVersion: string;
  workingDirectory: string;
  locked: boolean;
  readonly createdAt: string;
  updatedAt: string;
  currentRunId: string | null;
  currentConfigurationVersionId: string | null;
  currentStateVersionId: string | null;
}

export interface Variable {
  readonly kind: 'var';
  readonly id: string;
  readonly workspaceId: string;
  key: string;
  value: string;
  description: string;
  category: 'terraform' | 'env';
  hcl: boolean;
  sensitive: boolean;
  versionId: string;
}

export interface ConfigurationVersion {
  readonly kind: 'configuration-version';
  readonly id: string;
  readonly workspaceId: string;
  status: 'pending' | 'uploaded' | 'errored';
  readonly autoQueueRuns: boolean;
  readonly speculative: boolean;
  readonly provisional: boolean;
  errorMessage: string | null;
  /** Secret part of the one-time upload URL; null once used. */
  uploadToken: string | null;
  /** What the upload carried; set when the PUT arrives, processed on the next tick. */
  upload: Upload | null;
  readonly statusTimestamps: Record<string, string>;
  readonly createdAt: string;
}

export interface Upload {
  readonly receivedAt: string;
  readonly files: readonly TarballFile[];
  /** Why the tarball is unusable, or null when it is a valid configuration. */
  readonly error: string | null;
  processed: boolean;
}

export interface Run {
  readonly kind: 'run';
  readonly id: string;
  readonly workspaceId: string;
  readonly configurationVersionId: string;
  readonly planId: string;
  readonly applyId: string;
  status: RunStatus;
  readonly statusTimestamps: Record<string, string>;
  readonly message: string;
  readonly source: string;
  readonly triggerReason: string;
  readonly isDestroy: boolean;
  readonly autoApply: boolean;
  readonly planOnly: boolean;
  hasChanges: boolean;
  readonly createdAt: string;
  canceledAt: string | null;
  forceCancelAvailableAt: string | null;
  readonly scenario: ScenarioName;
  /** The statuses this run walks through, one per tick; `cursor` points at the current one. */
  readonly script: readonly Step[];
  cursor: number;
  cancelRequested: boolean;
  readonly variables: readonly { key: string; value: string }[];
}

export interface Phase {
  readonly kind: 'plan' | 'apply';
  readonly id: string;
  readonly runId: string;
  status: PhaseStatus;
  readonly statusTimestamps: Record<string, string>;
  resourceAdditions: number;
  resourceChanges: number;
  resourceDestructions: number;
  readonly log: LogBuffer;
}

export interface StateVersion {
  readonly kind: 'state-version';
  readonly id: string;
  readonly workspaceId: string;
  readonly runId: string;
  readonly serial: number;
  readonly createdAt: string;
  readonly outputIds: readonly string[];
  /** Outputs answer 503 until the simulator clock reaches this tick. */
  readonly processedAtTick: number;
}

export interface StateOutput {
  readonly kind: 'state-version-output';
  readonly id: string;
  readonly stateVersionId: string;
  readonly name: string;
  readonly sensitive: boolean;
  readonly type: string;
  readonly value: unknown;
}

export type Entity =
  | Organization
  | Workspace
  | Variable
  | ConfigurationVersion
  | Run
  | Phase
  | StateVersion
  | StateOutput;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An opaque id shaped like TFE's (`run-CZcmD7eagjhyX0vN`). */
export function newTfeId(prefix: string): string {
  const bytes = randomBytes(16);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return `${prefix}-${out}`;
}

/** A URL-safe secret for one-time upload and log URLs. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

export interface Store {
  readonly organizations: Map<string, Organization>;
  readonly workspaces: Map<string, Workspace>;
  readonly variables: Map<string, Variable>;
  readonly configurationVersions: Map<string, ConfigurationVersion>;
  readonly runs: Map<string, Run>;
  readonly plans: Map<string, Phase>;
  readonly applies: Map<string, Phase>;
  readonly stateVersions: Map<string, StateVersion>;
  readonly stateOutputs: Map<string, StateOutput>;
  workspaceByName(organization: string, name: string): Workspace | undefined;
  variablesOf(workspaceId: string): Variable[];
  configurationVersionsOf(workspaceId: string): ConfigurationVersion[];
  /** Runs of a workspace, oldest first. */
  runsOf(workspaceId: string): Run[];
}

export function createStore(): Store {
  const organizations = new Map<string, Organization>();
  const workspaces = new Map<string, Workspace>();
  const variables = new Map<string, Variable>();
  const configurationVersions = new Map<string, ConfigurationVersion>();
  const runs = new Map<string, Run>();
  const of = <T extends { workspaceId: string }>(map: Map<string, T>, workspaceId: string): T[] =>
    [...map.values()].filter((item) => item.workspaceId === workspaceId);
  return {
    organizations,
    workspaces,
    variables,
    configurationVersions,
    runs,
    plans: new Map(),
    applies: new Map(),
    stateVersions: new Map(),
    stateOutputs: new Map(),
    workspaceByName: (organization, name) =>
      [...workspaces.values()].find((ws) => ws.organization === organization && ws.name === name),
    variablesOf: (workspaceId) => of(variables, workspaceId),
    configurationVersionsOf: (workspaceId) => of(configurationVersions, workspaceId),
    runsOf: (workspaceId) => of(runs, workspaceId),
  };
}
