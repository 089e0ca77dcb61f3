import type { ErrorSpec } from '../error-spec.js';

/**
 * Error codes of the awx area (OO_ERR_AWX_*): the AWX / Automation Controller REST client and the
 * local ansible-playbook backend of the ansible actor. Merged into ErrorRegistry in errors.ts.
 *
 * `http` is the status OO answers when the error reaches OO's own HTTP API, not AWX's status: a
 * failure of AWX itself is a bad gateway (502), a template or request OO got wrong is 422.
 */
export const AwxErrors = {
  OO_ERR_AWX_UNAUTHORIZED: {
    meaning: 'AWX answered 401: the token is missing, expired or revoked.',
    retryable: false,
    http: 502,
    fix: 'Create a new token (AWX: Users > Tokens; AAP 2.5: the gateway) and update the ansible actor configuration.',
  },
  OO_ERR_AWX_FORBIDDEN: {
    meaning:
      'AWX answered 403: the token’s user may not do this (execute the job template, use the inventory or credential), or the token is read-scoped.',
    retryable: false,
    http: 502,
    fix: 'Grant the user Execute on the job template and Use on its inventory and credentials, with a write-scoped token.',
  },
  OO_ERR_AWX_NOT_FOUND: {
    meaning:
      'AWX answered 404: the object (job, inventory, template) does not exist or the user cannot see it, or the API path is wrong.',
    retryable: false,
    http: 502,
    fix: 'Check the id and the API path (`/api/v2/` for AWX, `/api/controller/v2/` behind the AAP 2.5 gateway), and the user’s read access.',
  },
  OO_ERR_AWX_BAD_REQUEST: {
    meaning: 'AWX answered 400: a field of the request is invalid; `details.body` holds AWX’s field errors.',
    retryable: false,
    http: 422,
    fix: 'Correct the fields named in `details.body`.',
  },
  OO_ERR_AWX_LAUNCH_BLOCKED: {
    meaning:
      'AWX refused to start the job: a required survey answer, the inventory or a credential password is missing (`variables_needed_to_start`, `resources_needed_to_start`, `passwords_needed_to_start`).',
    retryable: false,
    http: 422,
    fix: 'Supply what `details.body` lists, or give the job template a default (inventory, survey default, saved password).',
  },
  OO_ERR_AWX_PROMPT_IGNORED: {
    meaning:
      'AWX launched the job but ignored fields OO sent (extra_vars, limit, inventory...) because the job template does not prompt for them on launch; the job was canceled.',
    retryable: false,
    http: 422,
    fix: 'In the job template, enable "Prompt on launch" for each field named (ask_variables_on_launch for extra_vars, ask_limit_on_launch for limit...), or add them to its survey.',
  },
  OO_ERR_AWX_JOB_TEMPLATE_NOT_FOUND: {
    meaning: 'No job template with this name is visible to the token’s user.',
    retryable: false,
    http: 422,
    fix: 'Check the name (exact, case-sensitive) and organisation, and that the user has at least Read on the template.',
  },
  OO_ERR_AWX_JOB_TEMPLATE_AMBIGUOUS: {
    meaning: 'Several job templates carry this name (names are unique only per organisation).',
    retryable: false,
    http: 422,
    fix: 'Name the organisation as well, or rename one of the templates.',
  },
  OO_ERR_AWX_HOST_EXISTS: {
    meaning: 'The inventory already holds a host of this name.',
    retryable: false,
    http: 409,
    fix: 'Update the existing host instead (ensureInventoryHost does), or remove it first.',
  },
  OO_ERR_AWX_REJECTED: {
    meaning:
      'AWX refused the request with a 4xx other than 400/401/403/404 (405 method or state refusal, 409, 415...).',
    retryable: false,
    http: 502,
    fix: 'Read `details.status` and `details.body`; a 405 usually means the object is in a state that forbids the action.',
  },
  OO_ERR_AWX_RATE_LIMITED: {
    meaning: 'AWX (or a proxy in front of it) answered 429.',
    retryable: true,
    http: 503,
    fix: 'Nothing, retries back off; if it persists, lower OO’s polling rate or raise the proxy’s limit.',
  },
  OO_ERR_AWX_SERVER_ERROR: {
    meaning: 'AWX answered 5xx (server error, or a proxy in front of it is unhealthy).',
    retryable: true,
    http: 502,
    fix: 'Nothing for a blip (reads are retried); if it persists, check the AWX web and task pods and their logs.',
  },
  OO_ERR_AWX_UNREACHABLE: {
    meaning: 'AWX could not be reached: connection refused or reset, DNS failure, TLS failure or timeout.',
    retryable: true,
    http: 502,
    fix: 'Check the AWX URL, DNS, firewall and TLS trust; reads are retried with backoff.',
  },
  OO_ERR_AWX_LAUNCH_UNCONFIRMED: {
    meaning:
      'A launch (or relaunch) got no clear answer (5xx, reset, timeout): the job may or may not have been created. The client never re-sends it.',
    retryable: true,
    http: 502,
    fix: 'Before launching again, look for the job by its oo_task_key marker (findJobsByMarker); the awx.launch task does this on retry.',
  },
  OO_ERR_AWX_BAD_RESPONSE: {
    meaning:
      'AWX answered something the client cannot read: not JSON, a shape that does not match the API, or an unexpected redirect.',
    retryable: false,
    http: 502,
    fix: 'Check the base URL points at AWX itself (not a login page or proxy), over the scheme AWX serves, and the API path.',
  },
  OO_ERR_AWX_LOCAL_ANSIBLE_UNAVAILABLE: {
    meaning: 'The local backend could not start ansible-playbook (not installed or not executable).',
    retryable: false,
    fix: 'Install it: `apt-get install -y ansible-core` (Debian), or set the runner’s ansiblePlaybook path.',
  },
  OO_ERR_AWX_NOT_CONFIGURED: {
    meaning: 'An awx.* task ran on an ansible runner that has no AWX URL or token configured.',
    retryable: false,
    http: 503,
    fix: 'Set AWX_URL and AWX_TOKEN (and AWX_API_PATH behind the AAP 2.5 gateway) for the ansible actor, or use the local backend (ansible.playbook).',
  },
  OO_ERR_AWX_JOB_FAILED: {
    meaning:
      'The AWX job ended `failed` (a host failed or was unreachable) or `error` (it could not run); `details` holds the job id, status, explanation and the tail of its output.',
    retryable: false,
    http: 502,
    fix: 'Read `details.stdoutTail` (or the job in AWX) for the failing task, fix the playbook, inventory or target, and rerun the request.',
  },
  OO_ERR_AWX_JOB_CANCELED: {
    meaning: 'The AWX job was canceled in AWX (by a user or AWX itself) while OO waited for it.',
    retryable: false,
    http: 409,
    fix: 'Find out who canceled it (the job’s `job_explanation`, AWX activity stream), then rerun the request.',
  },
  OO_ERR_AWX_LOCAL_PLAYBOOK_INVALID: {
    meaning:
      'The local backend was asked for a playbook that is not a plain file name inside its playbook folder, or that does not exist there.',
    retryable: false,
    http: 422,
    fix: 'Name a playbook file (e.g. build-vm.yml) present in the ansible actor’s playbookDir.',
  },
  OO_ERR_AWX_LOCAL_PLAYBOOK_FAILED: {
    meaning:
      'The local ansible-playbook run ended failed, unreachable or error; `details` holds its status, exit code and output tails.',
    retryable: false,
    http: 502,
    fix: 'Read `details.stdoutTail` and `details.stderrTail`, fix the playbook or its variables, and rerun the request.',
  },
  OO_ERR_AWX_GIT_UNAVAILABLE: {
    meaning:
      'The resource repository could not be cloned or fetched (network, credentials, or the git server).',
    retryable: true,
    http: 502,
    fix: 'Check the repository URL, that the runner can reach it without a prompt (deploy key or token), and the git server.',
  },
  OO_ERR_AWX_GIT_COMMIT_MISSING: {
    meaning: 'The commit named by the request is not in the resource repository, even after a fetch.',
    retryable: false,
    http: 422,
    fix: 'Check that RFM pushed the commit to this repository (and not to a fork or a branch since deleted).',
  },
  OO_ERR_AWX_RESOURCE_INVALID: {
    meaning:
      'A common-format file is missing at the commit, is not JSON, or does not match its schema; `details` names the file and the fields.',
    retryable: false,
    http: 422,
    fix: 'Correct the file in the repository (RFM writes them; a hand edit may have broken one) and rerun with the new commit.',
  },
  OO_ERR_AWX_REPO_METADATA_INVALID: {
    meaning:
      'The repository’s oo-repo.json is missing at the commit, invalid, or names no AWX job template (`jobTemplate`) for an unmanaged resource type.',
    retryable: false,
    http: 422,
    fix: 'Add or correct oo-repo.json at the repository root: formatVersion, resourceType, managed: false, jobTemplate, workflow.',
  },
} as const satisfies Record<string, ErrorSpec>;
