/**
 * From a commit of resource files to the input of the `tfe-run` workflow: read `oo-repo.json` and each
 * common-format file at that exact commit, validate them with the contracts' schemas, map each
 * virtual machine to the module's Terraform variables and check them against the module's
 * `variables.tf`, all before anything is sent to TFE.
 */
import {
  type CommitRef,
  CommonResource,
  issuesText,
  OoError,
  RepoMetadata,
  schemaIssues,
} from '@oo/contracts';
import type { z } from 'zod';
import { readFilesAtCommit, safeRepoLabel } from './git-files.js';
import { moduleDirectory } from './module-directory.js';
import { readModuleVariables } from './module-variables.js';
import type { TfeRunInput, VarSpec } from './task-schemas.js';
import { moduleMismatches, type VarValue, vmVariables } from './vm-variables.js';

export const REPO_METADATA_FILE = 'oo-repo.json';

export interface PrepareOptions {
  readonly gitCacheDir: string;
  readonly modulesDir: string;
  readonly variableDefaults: Readonly<Record<string, VarValue>>;
  readonly extraVars: readonly VarSpec[];
  readonly signal?: AbortSignal;
}

export interface PreparedRun {
  /** The child workflow to start: `workflow` of `oo-repo.json` (`tfe-run`). */
  readonly template: string;
  readonly input: TfeRunInput;
}

/**
 * One prepared run per file of `ref`, in its order. Throws OO_ERR_TFE_COMMIT_NOT_FOUND,
 * OO_ERR_TFE_RESOURCE_INVALID and OO_ERR_TFE_MODULE_UNKNOWN (terminal), or
 * OO_ERR_TFE_REPO_UNAVAILABLE (retryable).
 */
export async function prepareTfeRuns(ref: CommitRef, options: PrepareOptions): Promise<PreparedRun[]> {
  const files = await readFilesAtCommit(
    options.gitCacheDir,
    ref.repo,
    ref.commit,
    [REPO_METADATA_FILE, ...ref.files],
    options.signal,
  );
  const meta = parseFile(RepoMetadata, REPO_METADATA_FILE, files[REPO_METADATA_FILE]!, ref);
  if (!meta.managed || meta.terraformModule === undefined) {
    throw invalid(
      `${safeRepoLabel(ref.repo)} holds unmanaged resources (no terraformModule in ${REPO_METADATA_FILE}); they are built through Ansible`,
      ref,
      REPO_METADATA_FILE,
    );
  }
  const module = meta.terraformModule;
  const moduleDir = moduleDirectory(options.modulesDir, module);
  const declared = await readModuleVariables(moduleDir);

  return ref.files.map((path) => {
    const resource = parseFile(CommonResource, path, files[path]!, ref);
    if (resource.kind !== 'virtual_machine' || !resource.managed) {
      throw invalid(
        `${path}: a ${resource.managed ? '' : 'unmanaged '}${resource.kind} is not built by the Terraform wrapper`,
        ref,
        path,
      );
    }
    const vars = [...vmVariables(resource, options.variableDefaults), ...options.extraVars];
    const mismatches = moduleMismatches(vars, declared);
    if (mismatches.length > 0) {
      throw new OoError(
        'OO_ERR_TFE_MODULE_UNKNOWN',
        `${path} does not fit module ${meta.terraformModule}: ${mismatches.join('; ')}`,
        { retryable: false, details: { module: meta.terraformModule, path, mismatches } },
      );
    }
    return {
      template: meta.workflow,
      input: {
        workspace: workspaceNameFor(resource.name),
        module,
        vars,
        message: `provision ${resource.name} for request ${resource.requestId} (${safeRepoLabel(ref.repo)}@${ref.commit.slice(0, 12)})`,
      },
    };
  });
}

/** The TFE workspace of a managed resource: one per resource, named after it. */
export function workspaceNameFor(resourceName: string): string {
  return `oo-${resourceName}`;
}

function parseFile<S extends z.ZodType>(schema: S, path: string, text: string, ref: CommitRef): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(`${path} is not JSON: ${(error as Error).message}`, ref, path);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = schemaIssues(parsed.error);
    throw invalid(
      `${path} at ${ref.commit.slice(0, 12)} is invalid: ${issuesText(issues)}`,
      ref,
      path,
      issues,
    );
  }
  return parsed.data;
}

function invalid(message: string, ref: CommitRef, path: string, issues?: unknown[]): OoError {
  return new OoError('OO_ERR_TFE_RESOURCE_INVALID', message, {
    retryable: false,
    details: { repo: safeRepoLabel(ref.repo), commit: ref.commit, path, ...(issues ? { issues } : {}) },
  });
}
