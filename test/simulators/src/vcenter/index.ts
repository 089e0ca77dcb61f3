export type { VcenterSimulatorControl } from './control.js';
export { DEFAULT_VCENTER_SEED } from './inventory.js';
export type { VcenterSimulator, VcenterSimulatorOptions } from './server.js';
export { startVcenterSimulator } from './server.js';
export type {
  VcenterDatastoreType,
  VcenterNetworkType,
  VcenterSimFault,
  VcenterSimRequestRecord,
  VcenterSimSeed,
  VcenterSimUser,
} from './types.js';
export { VCENTER_DATASTORE_TYPES, VCENTER_NETWORK_TYPES } from './types.js';
