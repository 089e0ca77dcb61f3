export type { LedgerOptions } from './ledger-actor.js';
export { LEDGER_SUBJECTS, LEDGER_VERSION, ledgerActor } from './ledger-actor.js';
export { WAIT_FOR_DATABASE } from './project.js';
export type { RebuildOptions, RebuildResult } from './rebuild.js';
export { REBUILD_ACTOR, rebuildLedger } from './rebuild.js';
