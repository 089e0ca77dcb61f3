/**
 * `@oo/rfm/policy`: the policy functions for the gateway's `GET/PUT /v1/policy`, with no actor code.
 * Call `migrateRfm(db)` once at start (idempotent, safe from many processes), then `getPolicy(db)` /
 * `putPolicy(db, body, principal.sub, { expectedVersion })`.
 */
export type { PutPolicyOptions } from './policy-store.js';
export {
  getPolicy,
  policyHistory,
  policyVersion,
  putPolicy,
  SEED_AUTHOR,
  validatePolicy,
} from './policy-store.js';
export { Policy, PolicyRecord } from './policy-types.js';
export { migrateRfm } from './rfm-migrate.js';
export { samplePolicy } from './sample-policy.js';
