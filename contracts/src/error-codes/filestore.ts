import type { ErrorSpec } from '../error-spec.js';

/** Error codes of the filestore area. Merged into ErrorRegistry in errors.ts. */
export const FilestoreErrors = {
  OO_ERR_FILESTORE_PATH_INVALID: {
    meaning:
      'A file path breaks a naming rule (`details.rule`): it climbs out (`..`), hides (`.name`), or holds unsafe characters.',
    retryable: false,
    http: 400,
    fix: 'Use segments of letters, digits, `.`, `_` and `-`, separated by single `/`, e.g. `uploads/inventory-2026.csv`.',
  },
  OO_ERR_FILESTORE_READ_ONLY: {
    meaning:
      'The path is under `requests/`, where OO keeps the request files it writes itself: the resource handlers build resources from them, so they cannot be written over HTTP.',
    retryable: false,
    http: 403,
    fix: 'Upload under another folder, e.g. `uploads/`; to change a request, submit a new one.',
  },
  OO_ERR_FILESTORE_NOT_FOUND: {
    meaning: 'No file is stored under this path.',
    retryable: false,
    http: 404,
    fix: 'Check the path; files are named exactly as they were PUT.',
  },
  OO_ERR_FILESTORE_TOO_LARGE: {
    meaning: 'The file is larger than the filestore accepts (`details.maxBytes`).',
    retryable: false,
    http: 413,
    fix: 'Send a smaller file, or raise the filestore’s maxBytes.',
  },
  OO_ERR_FILESTORE_BAD_REQUEST: {
    meaning: 'The HTTP request is malformed (bad URL encoding, bad Content-Length, ...).',
    retryable: false,
    http: 400,
    fix: 'Read `detail`; send a well-formed request.',
  },
} as const satisfies Record<string, ErrorSpec>;
