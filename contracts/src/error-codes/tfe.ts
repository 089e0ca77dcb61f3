import type { ErrorSpec } from '../error-spec.js';

/**
 * Error codes of the tfe area (OO_ERR_TFE_*). Merged into ErrorRegistry in errors.ts.
 * `http` is the status OO answers when the error reaches its own HTTP API; upstream failures that are
 * TFE's fault map to 502/503, the caller's to 4xx.
 */
export const TfeErrors = {
  OO_ERR_TFE_UNAUTHORIZED: {
    meaning: 'TFE answered 401: the API token is missing, invalid, expired or revoked.',
    retryable: false,
    http: 502,
    fix: 'Configure a valid user or team token for the TFE actor (organization tokens cannot create runs).',
  },
  OO_ERR_TFE_FORBIDDEN: {
    meaning: 'TFE answered 403 (rare: e.g. force-execute prerequisites not met).',
    retryable: false,
    http: 502,
    fix: 'Read `details.errors`; grant the token the permission or change the action.',
  },
  OO_ERR_TFE_NOT_FOUND: {
    meaning:
      'TFE answered 404: the organization, workspace, run or other resource does not exist, or the token may not see it (TFE never answers 403 for that).',
    retryable: false,
    http: 404,
    fix: 'Check the name or id in `details.path`, then the token’s team access to the workspace.',
  },
  OO_ERR_TFE_CONFLICT: {
    meaning:
      'TFE answered 409 "transition not allowed": the run is not in a state that permits the action (e.g. apply before it awaits confirmation).',
    retryable: false,
    http: 409,
    fix: 'Re-read the run and act on its `actions` flags (`is-confirmable`, `is-discardable`, `is-cancelable`).',
  },
  OO_ERR_TFE_VALIDATION: {
    meaning:
      'TFE answered 400 or 422: the request is malformed or a value is invalid or already taken (duplicate workspace name or variable key, configuration not uploaded).',
    retryable: false,
    http: 422,
    fix: 'Read `details.errors` (title, detail, source pointer) and correct the request.',
  },
  OO_ERR_TFE_RATE_LIMITED: {
    meaning: 'TFE answered 429 and the wait it asked for (X-RateLimit-Reset) was not spent in the client.',
    retryable: true,
    http: 503,
    fix: 'Nothing to fix for one burst (retry after `retryAfterMs`); if frequent, lower polling frequency or concurrency.',
  },
  OO_ERR_TFE_UNAVAILABLE: {
    meaning:
      'TFE could not be reached or answered 5xx, and GET retries were exhausted; or a non-POST write failed that way.',
    retryable: true,
    http: 503,
    fix: 'Check TFE health and network reachability from the actor; the task retries by itself.',
  },
  OO_ERR_TFE_OUTCOME_UNKNOWN: {
    meaning:
      'A POST to TFE failed with 5xx or a lost connection after it was sent: it may or may not have taken effect, so the client did not repeat it.',
    retryable: true,
    http: 503,
    fix: 'Before retrying, look for the effect (e.g. find the run by the task key in its message); the TFE tasks do this.',
  },
  OO_ERR_TFE_BAD_RESPONSE: {
    meaning: 'TFE answered with a body that is not the expected JSON:API document.',
    retryable: false,
    http: 502,
    fix: 'Check the base URL points at TFE’s API (not a proxy or login page) and the TFE version is supported.',
  },
  OO_ERR_TFE_UPLOAD_FAILED: {
    meaning:
      'The configuration upload to the one-time upload URL was refused or lost; the configuration version stays pending.',
    retryable: true,
    http: 502,
    fix: 'Create a new configuration version and upload again (the URL is single-use); check the archivist host is reachable.',
  },
  OO_ERR_TFE_CONFIG_INVALID: {
    meaning:
      'The Terraform configuration cannot be used: the tarball is malformed or has no .tf file at its root, so TFE marks the configuration version errored.',
    retryable: false,
    http: 422,
    fix: 'Put at least one .tf file at the archive root (not in a sub-directory); read `details.errorMessage`.',
  },
  OO_ERR_TFE_RUN_ERRORED: {
    meaning:
      'A TFE run ended `errored` (plan or apply failed, or a hard-mandatory policy failed) or `policy_soft_failed`; `details.logTail` holds the end of the failing phase’s log.',
    retryable: false,
    http: 502,
    fix: 'Read `details.logTail` (and the run in TFE, `details.runId`), correct the module or its variables, then rerun the request.',
  },
  OO_ERR_TFE_RUN_CANCELED: {
    meaning:
      'A TFE run OO was waiting for ended `canceled`, `force_canceled` or `discarded` by someone else.',
    retryable: false,
    http: 409,
    fix: 'Find out in TFE who stopped run `details.runId` and why; rerun the request when it should go ahead.',
  },
  OO_ERR_TFE_REPO_UNAVAILABLE: {
    meaning: 'The resource repository could not be cloned or fetched (network, credentials, a git lock).',
    retryable: true,
    http: 503,
    fix: 'Check the repository URL and the runner’s access to it; the task retries by itself.',
  },
  OO_ERR_TFE_COMMIT_NOT_FOUND: {
    meaning:
      'The commit, or a file named in the commit reference, does not exist in the resource repository.',
    retryable: false,
    http: 404,
    fix: 'Check `details.commit` and `details.path` against the repository (was the commit force-pushed away?).',
  },
  OO_ERR_TFE_RESOURCE_INVALID: {
    meaning:
      'A common-format file or `oo-repo.json` at the commit does not validate, or does not describe a managed resource the Terraform wrapper can build.',
    retryable: false,
    http: 422,
    fix: 'Read `details.issues` and correct the file in the repository (RFM writes these files; a hand edit may have broken one).',
  },
  OO_ERR_TFE_MODULE_UNKNOWN: {
    meaning:
      'The Terraform module named by `oo-repo.json` is not shipped with the runner, or the variables mapped from the resource do not fit its `variables.tf`.',
    retryable: false,
    http: 422,
    fix: 'Check `terraformModule` against the runner’s modules folder; set defaults (e.g. `datacenter`) for required variables the common format does not carry.',
  },
} as const satisfies Record<string, ErrorSpec>;
