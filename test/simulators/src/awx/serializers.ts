/**
 * Stored records as AWX renders them: `id`, `type`, relative `url`, `related`, `summary_fields`, and
 * the fields of AWX's serializers that clients read. List views of jobs omit the detail-only fields
 * (`event_processing_finished`, `result_traceback`, `job_args`...), as AWX's list serializer does.
 */
import { pythonJson } from './responses.js';
import type { AwxSimInventory, AwxSimJobTemplate, AwxSimOrganization, AwxSimStore } from './store.js';
import type { AwxSimEvent, AwxSimHost, AwxSimJob } from './types.js';

type Json = Record<string, unknown>;

export function organizationJson(prefix: string, org: AwxSimOrganization): Json {
  return {
    id: org.id,
    type: 'organization',
    url: `${prefix}organizations/${org.id}/`,
    related: { inventories: `${prefix}organizations/${org.id}/inventories/` },
    summary_fields: {},
    name: org.name,
    description: '',
  };
}

export function inventoryJson(prefix: string, store: AwxSimStore, inv: AwxSimInventory): Json {
  const hosts = [...store.hosts.values()].filter((h) => h.inventory === inv.id);
  return {
    id: inv.id,
    type: 'inventory',
    url: `${prefix}inventories/${inv.id}/`,
    related: { hosts: `${prefix}inventories/${inv.id}/hosts/` },
    summary_fields: { organization: brief(store.organizations.get(inv.organization)) },
    name: inv.name,
    description: '',
    organization: inv.organization,
    kind: '',
    variables: '',
    total_hosts: hosts.length,
    has_active_failures: false,
    pending_deletion: false,
  };
}

export function hostJson(prefix: string, store: AwxSimStore, host: AwxSimHost): Json {
  return {
    id: host.id,
    type: 'host',
    url: `${prefix}hosts/${host.id}/`,
    related: {
      inventory: `${prefix}inventories/${host.inventory}/`,
      variable_data: `${prefix}hosts/${host.id}/variable_data/`,
    },
    summary_fields: {
      inventory: brief(store.inventories.get(host.inventory)),
      groups: { count: 0, results: [] },
      recent_jobs: [],
    },
    created: host.created,
    modified: host.modified,
    name: host.name,
    description: host.description,
    inventory: host.inventory,
    enabled: host.enabled,
    instance_id: host.instance_id,
    variables: host.variables,
    has_active_failures: false,
    has_inventory_sources: false,
    last_job: null,
    last_job_host_summary: null,
    ansible_facts_modified: null,
  };
}

export function jobTemplateJson(prefix: string, store: AwxSimStore, jt: AwxSimJobTemplate): Json {
  // Simulator-only fields stay out; credentials are a related list in AWX, not a template field.
  const { scriptedOutcomes, survey, outcome, tasks, artifacts, forbidden, credentials, ...fields } = jt;
  const url = `${prefix}job_templates/${jt.id}/`;
  const lastJob = [...store.jobs.values()].filter((j) => j.job_template === jt.id).at(-1);
  return {
    ...fields,
    type: 'job_template',
    url,
    related: {
      launch: `${url}launch/`,
      jobs: `${url}jobs/`,
      survey_spec: `${url}survey_spec/`,
      credentials: `${url}credentials/`,
      ...(jt.inventory === null ? {} : { inventory: `${prefix}inventories/${jt.inventory}/` }),
    },
    summary_fields: {
      organization: brief(store.organizations.get(jt.organization)),
      inventory: jt.inventory === null ? undefined : brief(store.inventories.get(jt.inventory)),
      credentials: jt.credentials.map((id) => credentialBrief(store, id)),
    },
    extra_vars: Object.keys(jt.extra_vars).length === 0 ? '' : pythonJson(jt.extra_vars),
    survey_enabled: survey !== undefined && survey.length > 0,
    status: lastJob?.status ?? 'never updated',
    allow_simultaneous: true,
    become_enabled: false,
    host_config_key: '',
    job_slice_count: 1,
    execution_environment: null,
  };
}

export function jobJson(prefix: string, store: AwxSimStore, job: AwxSimJob, view: 'detail' | 'list'): Json {
  const url = `${prefix}jobs/${job.id}/`;
  const p = job.prompts;
  const endMs = job.finishedMs ?? Date.now();
  const base: Json = {
    id: job.id,
    type: 'job',
    url,
    related: {
      stdout: `${url}stdout/`,
      cancel: `${url}cancel/`,
      relaunch: `${url}relaunch/`,
      job_events: `${url}job_events/`,
      job_template: `${prefix}job_templates/${job.job_template}/`,
      ...(p.inventory === null ? {} : { inventory: `${prefix}inventories/${p.inventory}/` }),
    },
    summary_fields: {
      job_template: brief(store.jobTemplates.get(job.job_template)),
      inventory: p.inventory === null ? undefined : brief(store.inventories.get(p.inventory)),
      credentials: p.credentials.map((id) => credentialBrief(store, id)),
    },
    created: job.created,
    modified: job.modified,
    name: job.name,
    description: '',
    job_type: p.job_type,
    inventory: p.inventory,
    project: 1,
    playbook: store.jobTemplates.get(job.job_template)?.playbook ?? '',
    scm_branch: p.scm_branch,
    forks: p.forks,
    limit: p.limit,
    verbosity: p.verbosity,
    extra_vars: pythonJson(p.extra_vars),
    job_tags: p.job_tags,
    skip_tags: p.skip_tags,
    timeout: p.timeout,
    diff_mode: p.diff_mode,
    launch_type: job.launch_type,
    status: job.status,
    failed: job.status === 'failed' || job.status === 'error' || job.status === 'canceled',
    started: job.started,
    finished: job.finished,
    canceled_on: job.canceled_on,
    elapsed: job.startedMs === null ? 0 : Math.round(endMs - job.startedMs) / 1000,
    job_explanation: job.job_explanation,
    execution_node: job.startedMs === null ? '' : 'awx-sim',
    job_template: job.job_template,
    artifacts: job.artifacts,
    host_status_counts: job.host_status_counts,
    playbook_counts: { play_count: job.events.length > 0 ? 1 : 0, task_count: countTasks(job) },
  };
  if (view === 'list') return base;
  return {
    ...base,
    job_args: '["ansible-playbook"]',
    job_cwd: '/runner/project',
    job_env: {},
    result_traceback: job.result_traceback,
    event_processing_finished: job.event_processing_finished,
  };
}

export function eventJson(prefix: string, event: AwxSimEvent): Json {
  return {
    id: event.id,
    type: 'job_event',
    url: `${prefix}job_events/${event.id}/`,
    related: { job: `${prefix}jobs/${event.job}/` },
    summary_fields: {},
    created: event.created,
    modified: event.created,
    job: event.job,
    event: event.event,
    counter: event.counter,
    event_display: event.event,
    event_data: event.event_data,
    event_level: event.event.startsWith('playbook_on_') ? 1 : 3,
    failed: event.failed,
    changed: event.changed,
    uuid: `00000000-0000-4000-8000-${String(event.id).padStart(12, '0')}`,
    parent_uuid: '',
    host: null,
    host_name: event.host_name,
    playbook: 'site.yml',
    play: event.play,
    task: event.task,
    role: '',
    stdout: event.stdout,
    start_line: event.start_line,
    end_line: event.end_line,
    verbosity: 0,
  };
}

function countTasks(job: AwxSimJob): number {
  return job.events.filter((e) => e.event === 'playbook_on_task_start').length;
}

function brief(item: { id: number; name: string } | undefined): Json | undefined {
  return item === undefined ? undefined : { id: item.id, name: item.name, description: '' };
}

function credentialBrief(store: AwxSimStore, id: number): Json | undefined {
  const cred = store.credentials.get(id);
  return cred === undefined
    ? undefined
    : { id: cred.id, name: cred.name, kind: 'ssh', cloud: false, credential_type_id: cred.credential_type };
}
