/**
 * Lets old uploads go. The `files` store has no max age, since request files must live as long as
 * their request (the requests actor removes each with its record), so the filestore removes what
 * it took in over HTTP: every file outside the request files' prefix last written more than
 * `keepMs` ago. The pass is the runtime's (file-retention.ts): every replica may run it.
 */
import { type ActorEnv, type Clock, type ObjectFiles, startFileRetention } from '@oo/runtime';
import type { Logger } from 'pino';
import { isRequestFile } from './file-path.js';

export interface UploadRetentionOptions {
  files: ObjectFiles;
  log: Logger;
  clock: Clock;
  /** Told of a pass that failed (`env.reportError`: the actor's presence shows it). */
  report?: ActorEnv['reportError'] | undefined;
  /** How long an upload is kept after it was last written (ms). */
  keepMs: number;
  /** How often to look for uploads to remove (ms); the first look is a minute after start. */
  intervalMs: number;
}

export function startUploadRetention(options: UploadRetentionOptions) {
  return startFileRetention({ ...options, what: 'uploads', select: (name) => !isRequestFile(name) });
}
