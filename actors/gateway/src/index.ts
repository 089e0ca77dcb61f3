export { gatewayActor } from './gateway-actor.js';
export type { TemplateInfo } from './gateway-deps.js';
export type { GatewayErrorCode } from './gateway-errors.js';
export { GatewayErrors } from './gateway-errors.js';
export type { GatewayListening } from './gateway-options.js';
export { GatewayOptions } from './gateway-options.js';
export { Problem } from './problem.js';
