/**
 * The simulator's in-memory state: organisations, inventories, hosts, credentials, job templates and
 * jobs, with AWX-like integer ids. Seeded once from the options; mutated by the routes, the job
 * lifecycle and the control handle.
 */
import type {
  AwxSimCredentialSeed,
  AwxSimHost,
  AwxSimInventorySeed,
  AwxSimJob,
  AwxSimJobTemplateSeed,
  AwxSimOutcome,
  AwxSimPromptFlags,
  AwxSimSurveyQuestion,
} from './types.js';

export interface AwxSimOrganization {
  id: number;
  name: string;
}

export interface AwxSimInventory {
  id: number;
  name: string;
  organization: number;
}

export interface AwxSimCredential {
  id: number;
  name: string;
  credential_type: number;
  passwords_needed: string[];
}

export interface AwxSimJobTemplate extends AwxSimPromptFlags {
  id: number;
  name: string;
  description: string;
  organization: number;
  inventory: number | null;
  project: number;
  playbook: string;
  extra_vars: Record<string, unknown>;
  limit: string;
  credentials: number[];
  job_tags: string;
  skip_tags: string;
  job_type: string;
  verbosity: number;
  diff_mode: boolean;
  scm_branch: string;
  forks: number;
  timeout: number;
  survey: AwxSimSurveyQuestion[] | undefined;
  outcome: AwxSimOutcome;
  tasks: number;
  artifacts: Record<string, unknown>;
  forbidden: boolean;
  created: string;
  modified: string;
  /** Outcomes for the next launches, consumed first to last. */
  scriptedOutcomes: AwxSimOutcome[];
}

export interface AwxSimSeed {
  organizations?: string[];
  inventories?: AwxSimInventorySeed[];
  credentials?: AwxSimCredentialSeed[];
  jobTemplates?: AwxSimJobTemplateSeed[];
}

/**
 * Organisation "Default", inventory "oo-inventory", templates "oo-build-vm", "oo-decommission-vm"
 * and "oo-dns-record": the job templates OO's handlers name.
 */
export const DEFAULT_AWX_SEED: AwxSimSeed = {
  organizations: ['Default'],
  inventories: [{ name: 'oo-inventory', organization: 'Default', hosts: ['localhost'] }],
  credentials: [{ name: 'oo-machine', credential_type: 1 }],
  jobTemplates: [
    {
      name: 'oo-build-vm',
      playbook: 'build-vm.yml',
      ask_variables_on_launch: true,
      ask_limit_on_launch: true,
      credentials: ['oo-machine'],
    },
    { name: 'oo-decommission-vm', playbook: 'decommission-vm.yml', credentials: ['oo-machine'] },
    { name: 'oo-dns-record', playbook: 'dns-record.yml', ask_variables_on_launch: true },
  ],
};

const NO_PROMPTS: AwxSimPromptFlags = {
  ask_variables_on_launch: false,
  ask_limit_on_launch: false,
  ask_inventory_on_launch: false,
  ask_credential_on_launch: false,
  ask_tags_on_launch: false,
  ask_skip_tags_on_launch: false,
  ask_job_type_on_launch: false,
  ask_verbosity_on_launch: false,
  ask_diff_mode_on_launch: false,
  ask_scm_branch_on_launch: false,
  ask_execution_environment_on_launch: false,
  ask_labels_on_launch: false,
  ask_forks_on_launch: false,
  ask_job_slice_count_on_launch: false,
  ask_timeout_on_launch: false,
  ask_instance_groups_on_launch: false,
};

export type AwxSimStore = ReturnType<typeof createStore>;

export function createStore(seed: AwxSimSeed) {
  const organizations = new Map<number, AwxSimOrganization>();
  const inventories = new Map<number, AwxSimInventory>();
  const hosts = new Map<number, AwxSimHost>();
  const credentials = new Map<number, AwxSimCredential>();
  const jobTemplates = new Map<number, AwxSimJobTemplate>();
  const jobs = new Map<number, AwxSimJob>();
  const launchCounts = new Map<number, number>();
  const ids = { organization: 0, inventory: 0, host: 0, credential: 0, jobTemplate: 0, job: 0, event: 0 };
  const now = () => new Date().toISOString();

  function organizationId(name: string): number {
    for (const org of organizations.values()) if (org.name === name) return org.id;
    const id = ++ids.organization;
    organizations.set(id, { id, name });
    return id;
  }

  function byName<T extends { name: string }>(map: Map<number, T>, name: string, what: string): T {
    for (const item of map.values()) if (item.name === name) return item;
    throw new Error(`awx simulator seed: unknown ${what} "${name}"`);
  }

  function addHost(inventory: number, fields: Partial<AwxSimHost> & { name: string }): AwxSimHost {
    const id = ++ids.host;
    const stamp = now();
    const host: AwxSimHost = {
      id,
      name: fields.name,
      description: fields.description ?? '',
      inventory,
      enabled: fields.enabled ?? true,
      instance_id: fields.instance_id ?? '',
      variables: fields.variables ?? '',
      created: stamp,
      modified: stamp,
    };
    hosts.set(id, host);
    return host;
  }

  function addInventory(inv: AwxSimInventorySeed): AwxSimInventory {
    const id = ++ids.inventory;
    const inventory = { id, name: inv.name, organization: organizationId(inv.organization ?? 'Default') };
    inventories.set(id, inventory);
    for (const name of inv.hosts ?? []) addHost(id, { name });
    return inventory;
  }

  function addCredential(cred: AwxSimCredentialSeed): AwxSimCredential {
    const id = ++ids.credential;
    const credential = {
      id,
      name: cred.name,
      credential_type: cred.credential_type ?? 1,
      passwords_needed: cred.passwords_needed ?? [],
    };
    credentials.set(id, credential);
    return credential;
  }

  function addJobTemplate(jt: AwxSimJobTemplateSeed): AwxSimJobTemplate {
    const id = ++ids.jobTemplate;
    const stamp = now();
    const flags = Object.fromEntries(
      Object.keys(NO_PROMPTS).map((flag) => [flag, Boolean(jt[flag as keyof AwxSimPromptFlags])]),
    ) as unknown as AwxSimPromptFlags;
    const inventoryName = jt.inventory === undefined ? 'oo-inventory' : jt.inventory;
    const template: AwxSimJobTemplate = {
      ...flags,
      id,
      name: jt.name,
      description: jt.description ?? '',
      organization: organizationId(jt.organization ?? 'Default'),
      inventory: inventoryName === null ? null : byName(inventories, inventoryName, 'inventory').id,
      project: 1,
      playbook: jt.playbook ?? 'site.yml',
      extra_vars: { ...(jt.extra_vars ?? {}) },
      limit: jt.limit ?? '',
      credentials: (jt.credentials ?? []).map((name) => byName(credentials, name, 'credential').id),
      job_tags: '',
      skip_tags: '',
      job_type: 'run',
      verbosity: 0,
      diff_mode: false,
      scm_branch: '',
      forks: 0,
      timeout: 0,
      survey: jt.survey,
      outcome: jt.outcome ?? 'successful',
      tasks: jt.tasks ?? 2,
      artifacts: { ...(jt.artifacts ?? {}) },
      forbidden: jt.forbidden ?? false,
      created: stamp,
      modified: stamp,
      scriptedOutcomes: [],
    };
    jobTemplates.set(id, template);
    return template;
  }

  for (const name of seed.organizations ?? []) organizationId(name);
  for (const inv of seed.inventories ?? []) addInventory(inv);
  for (const cred of seed.credentials ?? []) addCredential(cred);
  for (const jt of seed.jobTemplates ?? []) addJobTemplate(jt);

  return {
    organizations,
    inventories,
    hosts,
    credentials,
    jobTemplates,
    jobs,
    now,
    addHost,
    addInventory,
    addCredential,
    addJobTemplate,
    nextJobId: () => ++ids.job,
    nextEventId: () => ++ids.event,
    /** A template by id, or by name when given a string. */
    findJobTemplate(ref: number | string): AwxSimJobTemplate | undefined {
      if (typeof ref === 'number') return jobTemplates.get(ref);
      for (const jt of jobTemplates.values()) if (jt.name === ref) return jt;
      return undefined;
    },
    countLaunch(jobTemplate: number): void {
      launchCounts.set(jobTemplate, (launchCounts.get(jobTemplate) ?? 0) + 1);
    },
    launchCount: (jobTemplate: number): number => launchCounts.get(jobTemplate) ?? 0,
  };
}
