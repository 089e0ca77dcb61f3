export type { GatewayListening } from './gateway-actor.js';
export { GatewayOptions, gatewayActor } from './gateway-actor.js';
export type { TemplateInfo } from './gateway-deps.js';
export type { GatewayErrorCode } from './gateway-errors.js';
export { GatewayErrors } from './gateway-errors.js';
export { Problem } from './problem.js';
