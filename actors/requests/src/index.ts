export { requestsActor } from './requests-actor.js';
export type { RequestsOptions } from './requests-options.js';
export { MIN_KEEP_ENDED_REQUESTS_MS, REQUESTS_DEFAULTS } from './requests-options.js';
