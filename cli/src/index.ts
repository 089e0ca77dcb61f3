export { ActorRegistry, actorNames } from './actor-registry.js';
export { OoConfig } from './oo-config.js';
export { UpFile, readUpFile } from './up-file.js';
export { presenceTable } from './commands/status.js';
