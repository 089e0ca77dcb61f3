/** Builds the packages (of the workspace at `root`, OO's own by default) whose dist/ is missing or stale; resolves with how many. */
export function ensureBuilt(options?: { root?: string; force?: boolean }): Promise<number>;
/** Whether this process was started with `--conditions=oo-compiled`. */
export function compiledRequested(): boolean;
