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
} as const satisfies Record<string, ErrorSpec>;
