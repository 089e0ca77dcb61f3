export type { AnsibleConfigInput } from './ansible-config.js';
export { AnsibleConfig, ansibleConfigFromEnv, SHIPPED_PLAYBOOKS } from './ansible-config.js';
export type { AnsibleTaskOptions } from './ansible-runner.js';
export { ANSIBLE_TASK_TYPES, ansibleRunnerFor, ansibleTasksFor } from './ansible-runner.js';
export type { AwxClient, AwxClientOptions, MarkerSearch, WaitOptions } from './awx-client.js';
export { createAwxClient } from './awx-client.js';
export type { AwxHostInput } from './awx-hosts.js';
export type { AwxLogger, AwxRetryOptions, CallOptions } from './awx-http.js';
export {
  AWX_JOB_STATUSES,
  AwxHost,
  AwxJob,
  AwxJobEvent,
  AwxJobStatus,
  AwxJobTemplate,
  AwxLaunchRequest,
  AwxLaunchResponse,
  isTerminalStatus,
  jobExtraVars,
} from './awx-schemas.js';
export type { PlaybookRunOptions, PlaybookRunResult, PlaybookStatus } from './playbook-runner.js';
export { runPlaybook } from './playbook-runner.js';
export { AwxJobInput, PrepareOutput } from './tasks/prepare.js';
