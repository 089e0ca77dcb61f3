export { FilestoreOptions, filestoreActor } from './filestore-actor.js';
