export { ActorRegistry, actorNames } from './actor-registry.js';
export { presenceTable } from './commands/status.js';
export { OoConfig } from './oo-config.js';
export { readUpFile, UpFile } from './up-file.js';
