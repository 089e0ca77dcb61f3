/** Reported in presence entries. Kept in step with package.json by the runtime tests. */
export const RUNTIME_VERSION = '0.1.0';
