/**
 * Files in a JetStream Object Store, with their SHA-256 as hex. The store keeps a digest of every
 * object (and checks it on read), so the hash costs nothing extra and matches the bytes served.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import { Base64UrlPaddedCodec, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import { OoError } from '@oo/contracts';

/** What the store knows about one file. */
export interface StoredFile {
  readonly name: string;
  /** Bytes. */
  readonly size: number;
  /** SHA-256 of the content, 64 lower-case hex digits. */
  readonly sha256: string;
  /** As given to `put`; `application/octet-stream` when none was. */
  readonly contentType: string;
  /** When this version was written, RFC 3339. */
  readonly modifiedAt: string;
  /** Stream sequence of this version's metadata; grows with every write. */
  readonly revision: number;
}

export interface ObjectFiles {
  /** The object store's name. */
  readonly name: string;
  /** Writes (or replaces) a file; returns what was stored. */
  put(name: string, data: Uint8Array, options?: { contentType?: string }): Promise<StoredFile>;
  /**
   * Reads a whole file; undefined when absent.
   * @throws OoError OO_ERR_NATS_UNAVAILABLE when the content does not match its digest or a chunk is lost
   */
  get(name: string): Promise<{ info: StoredFile; data: Uint8Array } | undefined>;
  /** Metadata only; undefined when absent. */
  info(name: string): Promise<StoredFile | undefined>;
  /**
   * Every file's name, size, last write and version, read from the store's metadata (no content):
   * about 200 bytes a file in memory, fine for the hundreds of thousands a retention pass sees.
   */
  list(): Promise<ListedFile[]>;
  /**
   * Removes a file with its content, leaving no delete marker (the store's own `delete` leaves one
   * per name, for ever in a store without a TTL). With `revision`, only that version goes: a file
   * written again since stays. Content first, then metadata: a crash in between leaves a file that
   * cannot be read but is still listed, so the next pass removes it. Resolves with whether a
   * version went; removing an absent file does nothing.
   */
  remove(name: string, revision?: number): Promise<boolean>;
}

/** A file as `list` gives it. */
export type ListedFile = Pick<StoredFile, 'name' | 'size' | 'modifiedAt' | 'revision'>;

const DIGEST_PREFIX = 'SHA-256=';
const CONTENT_TYPE = 'content-type';
const OCTET_STREAM = 'application/octet-stream';

function toStoredFile(info: ObjectInfo): StoredFile {
  if (!info.digest.startsWith(DIGEST_PREFIX)) {
    throw new OoError(
      'OO_ERR_NATS_UNAVAILABLE',
      `object ${info.name} has an unknown digest: ${info.digest}`,
      {
        retryable: false,
      },
    );
  }
  return {
    name: info.name,
    size: info.size,
    // The store writes the digest as padded base64url; Node's decoder accepts the padding.
    sha256: Buffer.from(info.digest.slice(DIGEST_PREFIX.length), 'base64url').toString('hex'),
    contentType: info.metadata?.[CONTENT_TYPE] ?? OCTET_STREAM,
    modifiedAt: info.mtime,
    revision: info.revision,
  };
}

async function readAll(stream: ReadableStream<Uint8Array>, size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let offset = 0;
  for await (const chunk of stream) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out.subarray(0, offset);
}

/** Serves `list` and `remove` (stream reads and purges); a store opened without it cannot do either. */
export interface ObjectStoreConnection {
  jsm?: JetStreamManager;
}

export function objectFiles(
  store: ObjectStore,
  name: string,
  connection: ObjectStoreConnection = {},
): ObjectFiles {
  // The subjects `@nats-io/obj` 3.4 writes an object on: its metadata under its name, its content
  // in chunks under the id of the version.
  const metaPrefix = `$O.${name}.M.`;
  const metaSubject = (file: string) => `${metaPrefix}${Base64UrlPaddedCodec.encode(file)}`;
  const chunkSubject = (nuid: string) => `$O.${name}.C.${nuid}`;
  let streamName: string | undefined;
  const streamOf = async () => {
    streamName ??= (await store.status()).streamInfo.config.name;
    return streamName;
  };
  const managerFor = (what: string): JetStreamManager => {
    const { jsm } = connection;
    if (!jsm)
      throw new Error(`object store ${name} was opened without a JetStream manager: it cannot ${what}`);
    return jsm;
  };
  return {
    name,
    async put(file, data, options = {}) {
      const info = await store.putBlob(
        { name: file, metadata: { [CONTENT_TYPE]: options.contentType ?? OCTET_STREAM } },
        data,
      );
      return toStoredFile(info);
    },
    async get(file) {
      const result = await store.get(file);
      if (!result) return undefined;
      let data: Uint8Array;
      try {
        data = await readAll(result.data, result.info.size);
      } catch (err) {
        throw new OoError(
          'OO_ERR_NATS_UNAVAILABLE',
          `cannot read object ${name}/${file}: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
      const failed = await result.error;
      if (failed) {
        throw new OoError(
          'OO_ERR_NATS_UNAVAILABLE',
          `cannot read object ${name}/${file}: ${failed.message}`,
          {
            cause: failed,
          },
        );
      }
      return { info: toStoredFile(result.info), data };
    },
    async info(file) {
      const info = await store.info(file);
      return info && !info.deleted ? toStoredFile(info) : undefined;
    },
    async list() {
      // Not the store's own list(): it stops once a watcher has delivered as many entries as the
      // consumer counted pending at its start, so a file removed in between leaves it waiting for
      // ever (seen in CI). The stream's subjects and the last metadata of each are read instead.
      const jsm = managerFor('list');
      const stream = await streamOf();
      const { state } = await jsm.streams.info(stream, { subjects_filter: `${metaPrefix}>` });
      const listed: ListedFile[] = [];
      for (const subject of Object.keys(state.subjects ?? {})) {
        const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
        const meta = last?.json<{ name: string; size: number; mtime: string; deleted?: boolean }>();
        if (last && meta && !meta.deleted) {
          listed.push({ name: meta.name, size: meta.size, modifiedAt: meta.mtime, revision: last.seq });
        }
      }
      return listed;
    },
    async remove(file, revision) {
      const jsm = managerFor('remove');
      const info = await store.info(file);
      if (!info || (revision !== undefined && info.revision !== revision)) return false;
      const stream = await streamOf();
      // A marker the store's own `delete` left has no content; the purge below removes it too.
      if (!info.deleted) await jsm.streams.purge(stream, { filter: chunkSubject(info.nuid) });
      // A purge by sequence removes what is below it: the version read and all before it.
      const { purged } = await jsm.streams.purge(stream, {
        filter: metaSubject(file),
        seq: info.revision + 1,
      });
      return purged > 0 && !info.deleted;
    },
  };
}
