export type { AciSimulatorControl } from './control.js';
export { DEFAULT_ACI_SEED } from './objects.js';
export type { AciSimulator, AciSimulatorOptions } from './server.js';
export { startAciSimulator } from './server.js';
export type { AciSimFault, AciSimRequestRecord, AciSimSeed, AciSimUser } from './types.js';
