/**
 * Lets old files go. An object store's own max age (`ttlMs`) applies to every object alike, so a
 * store holding files of different owners (request files that live as long as their request, uploads
 * kept a while) is kept without one, and each owner removes its own: a periodic pass lists the
 * files, and removes those written last more than `keepMs` ago that `select` says are its own.
 *
 * Only the version listed goes (object-files.ts `remove` checks it as it removes): one written
 * again meanwhile is young again and stays. Every replica may run it: removing twice removes
 * nothing more.
 */

import type { Logger } from 'pino';
import type { ActorEnv } from './actor-env.js';
import { type BucketRetention, RETENTION_FIRST_PASS_AFTER_MS } from './bucket-retention.js';
import type { Clock } from './clock.js';
import type { ObjectFiles } from './object-files.js';
import { startPeriodicPass } from './periodic-pass.js';

/** Whether a file, last written before the cut-off, is the caller's to remove now. */
export type SelectFile = (name: string) => boolean | Promise<boolean>;

/**
 * Removes the files last written at or before `cutOff` (ms since the epoch) that `select` accepts.
 * Resolves with how many went.
 */
export async function removeFilesWrittenBefore(
  files: ObjectFiles,
  cutOff: number,
  select: SelectFile,
): Promise<number> {
  let removed = 0;
  for (const listed of await files.list()) {
    if (Date.parse(listed.modifiedAt) > cutOff || !(await select(listed.name))) continue;
    if (await files.remove(listed.name, listed.revision)) removed++;
  }
  return removed;
}

export interface FileRetentionOptions {
  files: ObjectFiles;
  /** What the files are, for the log ("uploads"). */
  what: string;
  log: Logger;
  clock: Clock;
  /** Told of a pass that failed (`env.reportError`: the actor's presence shows it). */
  report?: ActorEnv['reportError'] | undefined;
  /** How long a file is kept after it was last written (ms). */
  keepMs: number;
  /** How often to look for files to remove (ms); the first look is a minute after start. */
  intervalMs: number;
  select: SelectFile;
}

/** `pass` resolves with how many files it removed. */
export type FileRetention = BucketRetention;

export function startFileRetention(options: FileRetentionOptions): FileRetention {
  const { files, what, log, keepMs } = options;
  const periodic = startPeriodicPass({
    what: `removing old ${what}`,
    log,
    firstAfterMs: RETENTION_FIRST_PASS_AFTER_MS,
    intervalMs: options.intervalMs,
    report: options.report,
    async pass() {
      const removed = await removeFilesWrittenBefore(files, options.clock.now() - keepMs, options.select);
      if (removed > 0) log.info({ removed, keepMs }, `removed ${what} written longer ago than they are kept`);
      return removed;
    },
  });
  return {
    pass: async () => (await periodic.now()) ?? 0,
    stop: () => periodic.stop(),
  };
}
