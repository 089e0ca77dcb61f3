export type { RunWatcher } from './run-watcher.js';
export { startRunWatcher } from './run-watcher.js';
