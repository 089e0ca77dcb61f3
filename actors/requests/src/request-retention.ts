/**
 * Lets ended requests go. The `requests` bucket has no TTL (a request waits as long as its run,
 * weeks maybe), so without this it would keep every request ever. A record is removed once its
 * request ended (succeeded, failed, rejected or cancelled) more than `keepMs` ago and its outcome
 * went out (`dispatched`), with no delete marker left behind; the read model (PostgreSQL) keeps the
 * request's history. A request only moves forward and its end is a write of its record, so a record
 * last written before the cut-off that says it ended, ended before the cut-off. The pass is the
 * runtime's (bucket-retention.ts).
 *
 * The request's file (`files` store, which has no TTL either) goes with it, first: a crash before
 * the record goes leaves the record, and the next pass removes both. Request files whose record is
 * gone all the same (removed before files went with them, or put under the prefix by hand) are
 * removed once written longer ago than `keepMs`: a file is written after its record is made, so a
 * file that old without a record has none to come.
 */
import { REQUEST_FILES_PREFIX } from '@oo/contracts';
import {
  type ActorEnv,
  type Clock,
  type JsonBucket,
  type ObjectFiles,
  removeFilesWrittenBefore,
  startBucketRetention,
} from '@oo/runtime';
import type { Logger } from 'pino';
import { requestFileName, requestIdOfFile } from './request-messages.js';
import { hasEnded, type RequestRecord } from './request-records.js';

export interface RequestRetentionOptions {
  bucket: JsonBucket<RequestRecord>;
  /** The `files` store, where the request files are. */
  files: ObjectFiles;
  log: Logger;
  clock: Clock;
  /** Told of a pass that failed (`env.reportError`: the actor's presence shows it). */
  report?: ActorEnv['reportError'] | undefined;
  /** How long a request's record is kept once it ended (ms). */
  keepMs: number;
  /** How often to look for records to remove (ms); the first look is a minute after start. */
  intervalMs: number;
}

export function startRequestRetention(options: RequestRetentionOptions) {
  const { bucket, files, log, clock, keepMs, intervalMs, report } = options;
  const orphaned = async (name: string) => {
    if (!name.startsWith(REQUEST_FILES_PREFIX)) return false;
    const requestId = requestIdOfFile(name);
    return requestId === undefined || (await bucket.get(requestId)) === undefined;
  };
  return startBucketRetention({
    bucket,
    log,
    clock,
    report,
    keepMs,
    intervalMs,
    what: 'requests',
    // An outcome that has not gone out yet keeps its record for the reconciler (request-reconciler.ts).
    ended: (record) => hasEnded(record.status) && record.dispatched,
    removeWith: (requestId) => files.remove(requestFileName(requestId)),
    removeLeftovers: (cutOff) => removeFilesWrittenBefore(files, cutOff, orphaned),
  });
}
