/**
 * Lets ended requests go. The `requests` bucket has no TTL (a request waits as long as its run,
 * weeks maybe), so without this it would keep every request ever. A record is removed once its
 * request ended (succeeded, failed, rejected or cancelled) more than `keepMs` ago, with no delete
 * marker left behind; the read model (PostgreSQL) keeps the request's history. A request only moves
 * forward and its end is a write of its record, so a record last written before the cut-off that
 * says it ended, ended before the cut-off. The pass is the runtime's (bucket-retention.ts).
 */
import { type Clock, type JsonBucket, startBucketRetention } from '@oo/runtime';
import type { Logger } from 'pino';
import { hasEnded, type RequestRecord } from './request-records.js';

export interface RequestRetentionOptions {
  bucket: JsonBucket<RequestRecord>;
  log: Logger;
  clock: Clock;
  /** How long a request's record is kept once it ended (ms). */
  keepMs: number;
  /** How often to look for records to remove (ms); the first look is a minute after start. */
  intervalMs: number;
}

export function startRequestRetention(options: RequestRetentionOptions) {
  return startBucketRetention({
    ...options,
    what: 'requests',
    ended: (record) => hasEnded(record.status),
  });
}
