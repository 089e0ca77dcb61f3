/**
 * A KV bucket of JSON values checked against a zod schema, with the compare-and-set the engine and
 * presence need. Values that fail the schema on read are reported, not trusted.
 */

import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager, PubHeaders } from '@nats-io/jetstream';
import { type KV, type KvEntry, KvWatchInclude, type KvWatchOptions } from '@nats-io/kv';
import { OoError } from '@oo/contracts';
import type { z } from 'zod';
import type { JetStreamPublish } from './jetstream-publish.js';
import { OutgoingHeaders } from './outgoing-headers.js';

export interface Versioned<T> {
  readonly value: T;
  /** The revision to pass to `update` for compare-and-set. */
  readonly revision: number;
}

export interface JsonBucket<T> {
  readonly name: string;
  get(key: string): Promise<Versioned<T> | undefined>;
  /**
   * The writes take the value's JSON as `json` when the caller made it already (the engine measures a
   * run's state before writing it); it must be what JSON.stringify(value) gives, keys in any order.
   */
  put(key: string, value: T, json?: string): Promise<number>;
  /** Creates the key only if absent; returns undefined when it exists already. */
  create(key: string, value: T, json?: string): Promise<number | undefined>;
  /** Writes only if the key is still at `revision`; returns undefined when someone else wrote first. */
  update(key: string, value: T, revision: number, json?: string): Promise<number | undefined>;
  delete(key: string): Promise<void>;
  /**
   * Removes `key` — or, as `<prefix>.*`, every key of one more token under a prefix — with its
   * history, leaving no delete marker behind (a stream purge by subject; `delete` leaves one per
   * key, for ever in a bucket without a TTL). Watchers hear nothing of it. Resolves with how many
   * stored messages went. With `upTo`, only the writes up to that revision go: a write made after
   * the caller read the key at `upTo` survives (a retention pass must not remove what it did not see).
   */
  expunge(key: string, upTo?: number): Promise<number>;
  /**
   * The keys written, from the stream's index of subjects: one request, and a snapshot, so a key
   * rewritten meanwhile is listed all the same (a sweep may miss it). A key deleted last is listed
   * too (its marker is a message): `get` it. Needs the JetStream manager, as `expunge` does.
   */
  keys(): Promise<string[]>;
  /**
   * Every key's current value, streamed by one watcher rather than read key by key (a sweep over
   * 10,000 runs is one consumer, not 10,000 requests). Ends once it has caught up; values that fail
   * the schema are skipped here (`get` reports them). A key written while the sweep runs may come
   * twice (the later is newer), or not at all if it was rewritten before the sweep reached it (its
   * new value lies past where the sweep ends): read what was written since to learn of it, as the
   * reconcilers do, or take `keys` for a list that misses none.
   */
  latest(): AsyncIterable<{ key: string } & Versioned<T>>;
  /**
   * The keys written after `revision` (0: every key), headers only, so no value is read: each key's
   * last write, its revision, when the server stored it (ms since epoch) and whether it deleted the
   * key. Ends once it has caught up, as `latest` does.
   */
  writtenSince(revision: number): AsyncIterable<KeyWrite>;
}

export interface KeyWrite {
  readonly key: string;
  readonly revision: number;
  readonly writtenAt: number;
  readonly deleted: boolean;
}

/**
 * How many values a watcher has still to deliver: `cached` gives the count it started with. The
 * `@nats-io/kv` 3.4 watcher gives no sign when there are none (an empty bucket, or values that
 * expired before they were delivered), but its consumer (`_data`) knows. Undefined if that changes.
 */
async function undelivered(watcher: object, cached: boolean): Promise<number | undefined> {
  const consumer = (watcher as { _data?: { info?(cached: boolean): Promise<{ num_pending?: number }> } })
    ._data;
  if (typeof consumer?.info !== 'function') return undefined;
  return (await consumer.info(cached)).num_pending;
}

/**
 * How many values a watcher holds that its reader has not taken yet (`@nats-io/nats-core` 3.4's
 * QueuedIterator): stopping it drops them. 0 if that changes.
 */
function buffered(watcher: object): number {
  const iterator = watcher as { getPending?(): number };
  return typeof iterator.getPending === 'function' ? iterator.getPending() : 0;
}

/** A sweep that received nothing for two of these asks whether anything is left to receive. */
const SWEEP_IDLE_CHECK_MS = 250;

/**
 * A watcher's entries up to `end`, the last message the stream held when the sweep began (its
 * `last_seq`, read before the watcher starts); then it is stopped. Not to where the server says
 * nothing is pending: nats-server 2.9 counts that wrong on a stream with deletes inside it (a
 * history-1 bucket being rewritten), and ended sweeps early.
 */
async function* caughtUp(kv: KV, end: number, options: KvWatchOptions): AsyncIterable<KvEntry> {
  const watcher = await kv.watch(options);
  // With nothing to start from (an empty bucket, no write since), or values that expire before
  // they are delivered (presence entries do), the watcher would wait for an update that may never
  // come: once it has been quiet for half a second and has nothing left to deliver, it is stopped.
  let received = 0;
  let lastChecked = -1;
  const idle = setInterval(() => {
    if (received !== lastChecked) {
      lastChecked = received;
      return;
    }
    // Quiet may also mean a reader busy with one value while the rest wait in the watcher: the
    // server then has nothing left to deliver, but stopping would drop what the client holds.
    undelivered(watcher, false).then(
      (left) => left === 0 && buffered(watcher) === 0 && watcher.stop(),
      () => undefined, // asked again at the next quiet tick
    );
  }, SWEEP_IDLE_CHECK_MS);
  try {
    if ((await undelivered(watcher, true)) === 0) return;
    for await (const entry of watcher) {
      received++;
      yield entry;
      // The message at `end` may have been rewritten meanwhile: then the first one past it ends it.
      if (entry.revision >= end) break;
    }
  } finally {
    clearInterval(idle);
    watcher.stop();
  }
}

/**
 * JetStream answers a failed expectation with API error 10071 (wrong last sequence) or 10164 (its
 * unknown-sequence form): the two codes `kv.create` itself reads as "the key has a value".
 */
function isWrongLastSequence(err: unknown): boolean {
  if (err instanceof JetStreamApiError) {
    return (
      err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown
    );
  }
  return /wrong last sequence|key exists/i.test((err as { message?: string } | undefined)?.message ?? '');
}

export interface JsonBucketOptions {
  /**
   * Skip the schema check on reads, for buckets only this code writes (always validated on write
   * by its own types): a large run state's check costs more than the rest of an engine step.
   */
  trustReads?: boolean;
}

/** What a bucket uses of its connection besides the KV client. */
export interface BucketConnection {
  /** Serves `expunge` (a stream purge); a bucket opened without it cannot expunge. */
  jsm?: JetStreamManager;
  /** The connection's publisher (jetstream-publish.ts): `put` and `update` go through it when given. */
  publish?: JetStreamPublish;
}

/** What `@nats-io/kv` 3.4's bucket has to name the subject a key is written on. */
interface KeySubjects {
  encodeKey(key: string): string;
  validateKey(key: string): void;
  subjectForKey(key: string, edit: boolean): string;
}

function hasKeySubjects(kv: object): kv is KeySubjects {
  const k = kv as Partial<KeySubjects>;
  return (
    typeof k.encodeKey === 'function' &&
    typeof k.validateKey === 'function' &&
    typeof k.subjectForKey === 'function'
  );
}

export function jsonBucket<S extends z.ZodType>(
  kv: KV,
  name: string,
  schema: S,
  options: JsonBucketOptions = {},
  connection: BucketConnection = {},
): JsonBucket<z.output<S>> {
  type T = z.output<S>;
  const { jsm, publish } = connection;
  // Buffer.from, not TextEncoder: pooled, about 3x faster for small strings on Node 20.
  const encode = (value: T, json?: string) => Buffer.from(json ?? JSON.stringify(value));
  /**
   * A write as `kv.put`/`kv.update` make it (a publish to the key's subject, expecting its last
   * revision), sent by the connection's publisher: `kv.put` goes through `js.publish`, a request of
   * its own per write, the run state's write the engine makes for every task it sees end.
   */
  const published =
    publish && hasKeySubjects(kv)
      ? (key: string, data: Uint8Array, revision?: number): Promise<number> => {
          let subject: string;
          try {
            const encoded = kv.encodeKey(key);
            kv.validateKey(encoded);
            subject = kv.subjectForKey(encoded, true);
          } catch (err) {
            return Promise.reject(err); // as kv.put does: a bad key is a rejection, not a throw
          }
          let headers: OutgoingHeaders | undefined;
          if (revision !== undefined) {
            headers = new OutgoingHeaders();
            headers.put(PubHeaders.ExpectedLastSubjectSequenceHdr, String(revision));
          }
          return publish(subject, data, headers).then((ack) => ack.seq);
        }
      : undefined;
  const write = (key: string, data: Uint8Array, revision?: number): Promise<number> => {
    if (published) return published(key, data, revision);
    return revision === undefined ? kv.put(key, data) : kv.update(key, data, revision);
  };
  /** `kv.create`, first tried as a write expecting none on the key (what `kv.create` tries first). */
  const create = async (key: string, data: Uint8Array): Promise<number> => {
    if (published) {
      try {
        return await published(key, data, 0);
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    }
    // There was one: `kv.create` also writes over a key whose last write deleted it.
    return kv.create(key, data);
  };
  const decode = (raw: unknown): { ok: true; data: T } | { ok: false; error: string } => {
    if (options.trustReads) return { ok: true, data: raw as T };
    const parsed = schema.safeParse(raw);
    return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: parsed.error.message };
  };
  return {
    name,
    async get(key) {
      const entry = await kv.get(key);
      if (entry?.operation !== 'PUT') return undefined;
      const value = decode(entry.json());
      if (!value.ok) {
        throw new OoError('OO_ERR_MSG_SCHEMA', `KV ${name}/${key} holds an invalid value: ${value.error}`);
      }
      return { value: value.data, revision: entry.revision };
    },
    put: (key, value, json) => write(key, encode(value, json)),
    async create(key, value, json) {
      try {
        return await create(key, encode(value, json));
      } catch (err) {
        if (isWrongLastSequence(err)) return undefined;
        throw err;
      }
    },
    async update(key, value, revision, json) {
      try {
        return await write(key, encode(value, json), revision);
      } catch (err) {
        if (isWrongLastSequence(err)) return undefined;
        throw err;
      }
    },
    delete: (key) => kv.delete(key),
    async expunge(key, upTo) {
      if (!jsm) throw new Error(`KV ${name} was opened without a JetStream manager: it cannot expunge`);
      const { bucket, streamInfo } = await kv.status();
      const filter = `$KV.${bucket}.${key}`;
      // A purge by sequence removes what is below it: the revision read, and all before it.
      const purged = await jsm.streams.purge(
        streamInfo.config.name,
        upTo === undefined ? { filter } : { filter, seq: upTo + 1 },
      );
      return purged.purged;
    },
    async keys() {
      if (!jsm) throw new Error(`KV ${name} was opened without a JetStream manager: it cannot list keys`);
      const { bucket, streamInfo } = await kv.status();
      const prefix = `$KV.${bucket}.`;
      const info = await jsm.streams.info(streamInfo.config.name, { subjects_filter: `${prefix}>` });
      return Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
    },
    async *latest() {
      // With history 1 (every OO bucket), every stored message in order rather than each key's last
      // value: the same messages, but nats-server 2.9's last-per-subject delivery goes wrong when a
      // key is rewritten during the sweep (one value delivered again and again, other keys never).
      const { history, streamInfo } = await kv.status();
      const include = history === 1 ? KvWatchInclude.AllHistory : KvWatchInclude.LastValue;
      for await (const entry of caughtUp(kv, streamInfo.state.last_seq, { include })) {
        if (entry.operation !== 'PUT') continue;
        const value = decode(entry.json());
        if (value.ok) yield { key: entry.key, value: value.data, revision: entry.revision };
      }
    },
    async *writtenSince(revision) {
      const end = (await kv.status()).streamInfo.state.last_seq;
      for await (const entry of caughtUp(kv, end, { headers_only: true, resumeFromRevision: revision + 1 })) {
        yield {
          key: entry.key,
          revision: entry.revision,
          writtenAt: entry.created.getTime(),
          deleted: entry.operation !== 'PUT',
        };
      }
    },
  };
}
