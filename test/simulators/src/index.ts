export * from './awx/index.js';
export * from './tfe/index.js';
