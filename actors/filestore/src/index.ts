export { FILESTORE_DEFAULTS, FilestoreOptions, filestoreActor, KeepUploadsMs } from './filestore-actor.js';
