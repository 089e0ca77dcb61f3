/** What every Terraform task gets from its runner: the TFE client and the runner's settings. */

import type { VarSpec } from './task-schemas.js';
import type { TfeClient } from './tfe-client.js';
import type { VarValue } from './vm-variables.js';

export interface TerraformDeps {
  /** The client of the running instance; throws when the runner is not started. */
  tfe(): TfeClient;
  readonly organization: string;
  /** Folder holding one folder per Terraform module (`vsphere-vm/`). */
  readonly modulesDir: string;
  /** Where `terraform.prepare` keeps its bare clones of resource repositories. */
  readonly gitCacheDir: string;
  /** Delay between two looks at a run or a configuration version (ms). */
  readonly pollMs: number;
  /** A configuration version still `pending` this long after its upload is given up on (ms). */
  readonly uploadTimeoutMs: number;
  /** Terraform variables the common format does not carry (`datacenter`, `domain`). */
  readonly variableDefaults: Readonly<Record<string, VarValue>>;
  /** Added to every prepared workspace, e.g. vCenter credentials as `env` variables by secret name. */
  readonly extraVars: readonly VarSpec[];
}

/**
 * Default retry of the TFE tasks: TFE being down or rate-limiting outlasts the client's own GET
 * retries, so the task tries again over a few minutes before giving up.
 */
export const TFE_TASK_RETRY = { maxAttempts: 6, backoffMs: 2_000, maxBackoffMs: 60_000 } as const;
