export * from './aci/index.js';
export * from './awx/index.js';
export * from './tfe/index.js';
export * from './vcenter/index.js';
