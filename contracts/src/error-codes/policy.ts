import type { ErrorSpec } from '../error-spec.js';

/**
 * Error codes of the admin policy (OO_ERR_POLICY_*): storing a new version through the read model,
 * as `PUT /v1/policy` does. Merged into ErrorRegistry in errors.ts.
 */
export const PolicyErrors = {
  OO_ERR_POLICY_INVALID: {
    meaning:
      'A policy to store breaks a rule: its shape, a reference (a matrix cell naming an unknown cluster), or address arithmetic (a gateway outside its CIDR). `details.reasons` (HTTP: `errors`) lists every `{ path, message }`.',
    retryable: false,
    http: 422,
    fix: 'Correct the fields named in `details.reasons`; the stored policy is unchanged.',
  },
  OO_ERR_POLICY_CONFLICT: {
    meaning:
      'The policy changed since the version the change was based on (`If-Match`, `details.currentVersion`): HTTP answers 412 Precondition Failed.',
    retryable: false,
    http: 412,
    fix: 'GET /v1/policy again, reapply the change to that version, and PUT it with its ETag in If-Match.',
  },
} as const satisfies Record<string, ErrorSpec>;
