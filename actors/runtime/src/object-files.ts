/**
 * Files in a JetStream Object Store, with their SHA-256 as hex. The store keeps a digest of every
 * object (and checks it on read), so the hash costs nothing extra and matches the bytes served.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import { Base64UrlPaddedCodec, type ObjectInfo, type ObjectResult, type ObjectStore } from '@nats-io/obj';
import { OoError } from '@oo/contracts';
import type { Nats } from './connection.js';

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
   * Reads a whole file; undefined when absent, or removed while it was being read.
   * @throws OoError OO_ERR_NATS_UNAVAILABLE when the content does not match its digest, or none of it
   *   arrives for `STALL_LIMIT_MS` while the store still has it
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

/**
 * The store reads a file's metadata, then its content from a consumer that waits for the chunks; a
 * removal purging them in between (retention, `remove`, a newer version replacing them) would leave
 * it waiting for ever. So a read that gets no chunk for this long asks whether the content is still
 * there (ms).
 */
const STALL_CHECK_MS = 1_000;
/** How long a read waits without a chunk while the content is there before it gives up (ms). */
const STALL_LIMIT_MS = 30_000;
/** Reads that find their version replaced while reading start again, this many times at most. */
const READ_TRIES = 3;

/** The bytes; undefined when `contentGone` said so while no chunk came. */
async function readAll(
  stream: ReadableStream<Uint8Array>,
  size: number,
  contentGone: () => Promise<boolean>,
): Promise<Uint8Array | undefined> {
  const reader = stream.getReader();
  const out = new Uint8Array(size);
  let offset = 0;
  let lastChunkAt = performance.now();
  try {
    for (;;) {
      const next = reader.read();
      let result: Awaited<typeof next> | undefined;
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const stall = new Promise<undefined>((resolve) => {
          timer = setTimeout(resolve, STALL_CHECK_MS, undefined);
        });
        result = await Promise.race([next, stall]);
        clearTimeout(timer);
        if (result) break;
        if (await contentGone()) return undefined;
        if (performance.now() - lastChunkAt > STALL_LIMIT_MS) {
          throw new Error(`no content arrived for ${STALL_LIMIT_MS} ms`);
        }
      }
      if (result.done) return out.subarray(0, offset);
      out.set(result.value, offset);
      offset += result.value.length;
      lastChunkAt = performance.now();
    }
  } finally {
    // Stops the store's consumer when the read ends early; a no-op once the stream is done.
    await reader.cancel().catch(() => undefined);
  }
}

/** Serves `list` and `remove` (stream reads and purges); a store opened without it cannot do either. */
export interface ObjectStoreConnection {
  jsm?: JetStreamManager;
}

/** Opens the provisioned object store `name` (`ObjectStoreNames`) as files, with `list` and `remove`. */
export async function openObjectFiles(nats: Nats, name: string): Promise<ObjectFiles> {
  return objectFiles(await nats.objm.open(name), name, nats);
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
  /** Whether none of a version's content is left in the stream (a store without a manager: unknown). */
  const contentGone = async (nuid: string): Promise<boolean> => {
    const { jsm } = connection;
    if (!jsm) return false;
    const { state } = await jsm.streams.info(await streamOf(), { subjects_filter: chunkSubject(nuid) });
    return Object.keys(state.subjects ?? {}).length === 0;
  };
  /** A read's bytes, checked against their digest; undefined when its content went meanwhile. */
  const readContent = async (file: string, result: ObjectResult): Promise<Uint8Array | undefined> => {
    const unreadable = (err: Error) =>
      new OoError('OO_ERR_NATS_UNAVAILABLE', `cannot read object ${name}/${file}: ${err.message}`, {
        cause: err,
      });
    let data: Uint8Array | undefined;
    try {
      data = await readAll(result.data, result.info.size, () => contentGone(result.info.nuid));
    } catch (err) {
      throw unreadable(err as Error);
    }
    if (!data) return undefined;
    const failed = await result.error;
    if (failed) throw unreadable(failed);
    return data;
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
      for (let tries = 1; ; tries++) {
        const result = await store.get(file);
        if (!result) return undefined;
        const data = await readContent(file, result);
        if (data) return { info: toStoredFile(result.info), data };
        // Its content went while it was read: removed (then the next look finds nothing), or
        // replaced by a newer version, which is read instead.
        if (tries === READ_TRIES) return undefined;
      }
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
