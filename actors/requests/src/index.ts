export { requestsActor } from './requests-actor.js';
export type { RequestsOptions } from './requests-options.js';
export { KeepEndedRequestsMs } from './requests-options.js';
