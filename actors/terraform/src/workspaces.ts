/**
 * Workspaces (tfe-api.md §2): show by organization + name, create, and find-or-create.
 */
import { OoError } from '@oo/contracts';
import { z } from 'zod';
import type { Transport } from './http-transport.js';
import { attributes, document, type ResourceObject, relatedId, single } from './json-api.js';
import type { CallOptions } from './types.js';

export interface TfeWorkspace {
  readonly id: string;
  readonly name: string;
  readonly autoApply: boolean;
  readonly executionMode: string;
  readonly terraformVersion: string;
  readonly workingDirectory: string;
  readonly locked: boolean;
  readonly currentRunId: string | undefined;
  readonly createdAt: string | undefined;
}

export interface WorkspaceCreateInput {
  /** Letters, digits, `-` and `_`. */
  readonly name: string;
  readonly description?: string;
  /** Default false: runs wait for confirmation unless created with `autoApply`. */
  readonly autoApply?: boolean;
  /** Default TFE's: `remote`. */
  readonly executionMode?: 'remote' | 'local' | 'agent';
  /** Default TFE's latest. */
  readonly terraformVersion?: string;
  readonly workingDirectory?: string;
}

const Attributes = z.object({
  name: z.string(),
  'auto-apply': z.boolean().default(false),
  'execution-mode': z.string().nullish(),
  'terraform-version': z.string().nullish(),
  'working-directory': z.string().nullish(),
  locked: z.boolean().default(false),
  'created-at': z.string().optional(),
});

function toWorkspace(resource: ResourceObject): TfeWorkspace {
  const a = attributes(resource, Attributes, 'a workspace');
  return {
    id: resource.id,
    name: a.name,
    autoApply: a['auto-apply'],
    executionMode: a['execution-mode'] ?? 'remote',
    terraformVersion: a['terraform-version'] ?? '',
    workingDirectory: a['working-directory'] ?? '',
    locked: a.locked,
    currentRunId: relatedId(resource, 'current-run'),
    createdAt: a['created-at'],
  };
}

const workspacePath = (organization: string, name: string): string =>
  `/organizations/${encodeURIComponent(organization)}/workspaces/${encodeURIComponent(name)}`;

/** Throws OO_ERR_TFE_NOT_FOUND when the workspace is missing or the token cannot see it. */
export async function getWorkspace(
  t: Transport,
  organization: string,
  name: string,
  options: CallOptions = {},
): Promise<TfeWorkspace> {
  const body = await t.api({
    method: 'GET',
    path: workspacePath(organization, name),
    signal: options.signal,
  });
  return toWorkspace(single(body, 'workspaces', 'show workspace'));
}

/** Like `getWorkspace`, but undefined on 404 (missing, or not visible to the token). */
export async function findWorkspace(
  t: Transport,
  organization: string,
  name: string,
  options: CallOptions = {},
): Promise<TfeWorkspace | undefined> {
  try {
    return await getWorkspace(t, organization, name, options);
  } catch (error) {
    if (error instanceof OoError && error.code === 'OO_ERR_TFE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** Throws OO_ERR_TFE_VALIDATION for a taken or invalid name. Not retried (a POST). */
export async function createWorkspace(
  t: Transport,
  organization: string,
  input: WorkspaceCreateInput,
  options: CallOptions = {},
): Promise<TfeWorkspace> {
  const body = await t.api({
    method: 'POST',
    path: `/organizations/${encodeURIComponent(organization)}/workspaces`,
    body: document('workspaces', {
      name: input.name,
      description: input.description,
      'auto-apply': input.autoApply,
      'execution-mode': input.executionMode,
      'terraform-version': input.terraformVersion,
      'working-directory': input.workingDirectory,
    }),
    signal: options.signal,
  });
  return toWorkspace(single(body, 'workspaces', 'create workspace'));
}

/**
 * Find-or-create: GET by name, POST on 404, and GET again when the POST lost a race (422 taken) or its
 * outcome is unknown. An existing workspace is returned as is; its settings are not changed.
 */
export async function ensureWorkspace(
  t: Transport,
  organization: string,
  input: WorkspaceCreateInput,
  options: CallOptions = {},
): Promise<TfeWorkspace> {
  const existing = await findWorkspace(t, organization, input.name, options);
  if (existing) return existing;
  try {
    return await createWorkspace(t, organization, input, options);
  } catch (error) {
    const raced =
      error instanceof OoError &&
      (error.code === 'OO_ERR_TFE_VALIDATION' || error.code === 'OO_ERR_TFE_OUTCOME_UNKNOWN');
    if (!raced) throw error;
    const winner = await findWorkspace(t, organization, input.name, options);
    if (winner) return winner;
    throw error;
  }
}
