import type { ErrorSpec } from '../error-spec.js';

/** Error codes of RFM (resource file management). Merged into ErrorRegistry in errors.ts. */
export const RfmErrors = {
  OO_ERR_RFM_REJECTED: {
    meaning:
      'A resource of the request breaks the policy or cannot be given what it needs (an image not permitted, a size out of bounds, a network exhausted, a host name taken, no allowed placement). `details.reasons` lists every reason as `{ path, message }`. The request ends `rejected` with them, not `failed`.',
    retryable: false,
    http: 422,
    rejects: true,
    fix: 'Correct the fields named in `details.reasons`, or ask an admin to widen the policy.',
  },
  OO_ERR_RFM_REQUEST_FILE_INVALID: {
    meaning:
      'The request file is not JSON, does not match the request schema, or belongs to another request. `details.reasons` names each field.',
    retryable: false,
    http: 422,
    fix: 'Resubmit the request; the file store holds what the requests actor wrote.',
  },
  OO_ERR_RFM_REQUEST_FILE_MISSING: {
    meaning: 'The file store has no file at the request file URL.',
    retryable: false,
    http: 404,
    fix: 'Check the run input `fileUrl`; rerun the request from scratch.',
  },
  OO_ERR_RFM_REQUEST_FILE_UNAVAILABLE: {
    meaning: 'The request file could not be fetched (file store unreachable or failing).',
    retryable: true,
    http: 503,
    fix: 'Check the filestore actor is running and reachable from the rfm runner.',
  },
  OO_ERR_RFM_NO_HANDLER: {
    meaning: 'No handler is installed for a resource type of the request (`details.type`).',
    retryable: false,
    http: 422,
    fix: 'Install the handler package under handlers/ and pass it to the rfm runner.',
  },
  OO_ERR_RFM_GIT_UNAVAILABLE: {
    meaning: 'A resource repository could not be cloned, fetched or pushed to.',
    retryable: true,
    http: 503,
    fix: 'Check the repository URL, its credentials (ssh key, token in the URL) and the network.',
  },
  OO_ERR_RFM_GIT_MISSING: {
    meaning: 'git is not on PATH: the rfm actor commits resource files with it.',
    retryable: false,
    fix: 'Install it: `apt-get install git` (Debian); `oo up` installs it when run as root.',
  },
  OO_ERR_RFM_NOT_CONFIGURED: {
    meaning: 'The rfm runner lacks a setting it needs (`details.key`).',
    retryable: false,
    fix: 'Set the key named in the message in the rfm options (auth secret, database).',
  },
} as const satisfies Record<string, ErrorSpec>;
