/**
 * The ansible runner: the `awx.*` tasks (AWX REST), `ansible.playbook` (local ansible-playbook) and
 * `ansible.prepare` (common format at a commit -> child workflow inputs), built from configuration.
 *
 * ```ts
 * const runner = ansibleRunnerFor({ ...ansibleConfigFromEnv(), dataDir: '.oo' });
 * await startActor(runner, { config });
 * ```
 */
import { type ActorDefinition, type AnyTaskDefinition, defineRunner } from '@oo/runtime';
import { type AnsibleConfigInput, resolveAnsibleConfig } from './ansible-config.js';
import { awxAccess } from './awx-access.js';
import type { AwxLogger } from './awx-http.js';
import { gitCache } from './git-cache.js';
import { addHostTask } from './tasks/add-host.js';
import { cancelJobTask } from './tasks/cancel-job.js';
import { findJobTemplateTask } from './tasks/find-job-template.js';
import { jobOutputTask } from './tasks/job-output.js';
import { launchTask } from './tasks/launch.js';
import { playbookTask } from './tasks/playbook.js';
import { prepareTask } from './tasks/prepare.js';
import { waitJobTask } from './tasks/wait-job.js';

/** Every task type the ansible runner hosts, for the task catalog. */
export const ANSIBLE_TASK_TYPES = [
  'awx.find_job_template',
  'awx.launch',
  'awx.wait_job',
  'awx.job_output',
  'awx.cancel_job',
  'awx.add_host',
  'ansible.playbook',
  'ansible.prepare',
] as const;

export interface AnsibleTaskOptions {
  /** Where the AWX client logs its retries (silent by default). */
  log?: AwxLogger;
}

/** The tasks, and a `close` for the AWX client they share. */
function buildTasks(input: AnsibleConfigInput, options: AnsibleTaskOptions) {
  const config = resolveAnsibleConfig(input);
  const awx = awxAccess(config.awx, options.log);
  const tasks: readonly AnyTaskDefinition[] = [
    findJobTemplateTask(awx),
    launchTask(awx),
    waitJobTask(awx),
    jobOutputTask(awx),
    cancelJobTask(awx),
    addHostTask(awx),
    playbookTask(config.local),
    prepareTask(gitCache(config.gitCacheDir)),
  ];
  return { config, tasks, close: () => awx.close() };
}

/**
 * The tasks, sharing one AWX client (made on first use) and one git cache. Throws a ZodError
 * naming the key when the configuration is invalid; a missing AWX URL or token is not an error
 * here (the AWX tasks then fail with OO_ERR_AWX_NOT_CONFIGURED).
 */
export function ansibleTasksFor(
  input: AnsibleConfigInput = {},
  options: AnsibleTaskOptions = {},
): readonly AnyTaskDefinition[] {
  return buildTasks(input, options).tasks;
}

/** The ansible runner actor (name `ansible`; replicas share the work); closes its AWX client on stop. */
export function ansibleRunnerFor(
  input: AnsibleConfigInput = {},
  options: AnsibleTaskOptions = {},
): ActorDefinition {
  const { config, tasks, close } = buildTasks(input, options);
  return defineRunner({
    name: 'ansible',
    version: '0.1.0',
    description: 'AWX jobs, local ansible-playbook runs, and common format to extra_vars',
    tasks,
    stop: close,
    ...(config.runner.ackWaitMs === undefined ? {} : { ackWaitMs: config.runner.ackWaitMs }),
    ...(config.runner.concurrency === undefined ? {} : { concurrency: config.runner.concurrency }),
  });
}
