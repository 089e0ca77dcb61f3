export { requestsActor } from './requests-actor.js';
export type { RequestsOptions } from './requests-options.js';
export { DispatchGraceMs, KeepEndedRequestsMs, ReconcileIntervalMs } from './requests-options.js';
