/**
 * Creates the streams, buckets and object stores declared in contracts, idempotently: several
 * instances starting at once all succeed, and a changed limit in contracts updates the stream.
 *
 * JetStream reserves each stream's `max_bytes` from its storage (by default 75% of the store's free
 * disk when the server starts), and contracts' sizes add up to 21 GiB: on a smaller disk the server
 * refuses them (10047). Then every size is tried again at half, and again, down to 1/256: the streams
 * keep their proportions, drop their oldest messages sooner, and the caller is told the share.
 */

import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { ObjectStore } from '@nats-io/obj';
import { nanos, TimeoutError } from '@nats-io/transport-node';
import {
  type BucketSpec,
  Buckets,
  type ObjectStoreSpec,
  ObjectStores,
  OoError,
  type StreamSpec,
  Streams,
} from '@oo/contracts';
import type { Nats } from './connection.js';

function provisionError(what: string, err: unknown): OoError {
  return new OoError('OO_ERR_NATS_PROVISION', `cannot provision ${what}: ${(err as Error).message}`, {
    cause: err,
  });
}

function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.status === 404;
}

/**
 * Provisioning adds copies, never removes them: one instance started with a smaller `nats.replicas`
 * must not take a cluster's redundancy away. Fewer copies is an operator's decision (`nats stream edit`).
 */
function moreReplicas(current: number | undefined, wanted: number): number {
  return Math.max(current ?? 1, wanted);
}

export async function ensureStream(
  jsm: JetStreamManager,
  spec: StreamSpec,
  replicas = 1,
  maxBytes = spec.maxBytes,
): Promise<void> {
  const config = {
    name: spec.name,
    subjects: [...spec.subjects],
    description: spec.description,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(spec.maxAgeMs),
    max_bytes: maxBytes,
    duplicate_window: nanos(spec.duplicateWindowMs),
    num_replicas: replicas,
  };
  try {
    const info = await jsm.streams.info(spec.name).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (info === undefined) {
      try {
        await jsm.streams.add(config);
        return;
      } catch (err) {
        // Another instance created it first with the same config: fine. Otherwise fall through to update.
        if (!(err instanceof JetStreamApiError) || isOutOfStorage(err)) throw err;
      }
    }
    const current = info?.config ?? (await jsm.streams.info(spec.name)).config;
    const wanted = { ...config, num_replicas: moreReplicas(current.num_replicas, replicas) };
    const same =
      current.max_age === wanted.max_age &&
      current.max_bytes === wanted.max_bytes &&
      current.duplicate_window === wanted.duplicate_window &&
      current.num_replicas === wanted.num_replicas &&
      current.subjects.join() === wanted.subjects.join();
    if (!same) await jsm.streams.update(spec.name, wanted);
  } catch (err) {
    throw provisionError(`stream ${spec.name}`, err);
  }
}

export async function ensureBucket(nats: Nats, spec: BucketSpec): Promise<KV> {
  // On an existing bucket the create succeeds and changes nothing: a new description reaches new
  // deployments only (checked on nats-server 2.9), which is harmless for a description.
  try {
    const kv = await nats.kvm.create(spec.name, {
      history: spec.history,
      description: spec.description,
      storage: StorageType.File,
      replicas: nats.replicas,
      ...(spec.ttlMs > 0 ? { ttl: spec.ttlMs } : {}),
    });
    await keepReplicas(nats, `KV_${spec.name}`);
    return kv;
  } catch (err) {
    throw provisionError(`KV bucket ${spec.name}`, err);
  }
}

/**
 * Opens a provisioned bucket. `kvm.open` binds without asking the server, and so reads every key
 * through the JetStream API (`STREAM.MSG.GET`: a base64 JSON reply, and an advisory the server
 * publishes for each call) even where the bucket allows direct gets, as every bucket `ensureBucket`
 * makes on nats-server 2.9+ does. One look at the stream's config tells the client which to use.
 * Replicated buckets keep reading from the leader: a direct get may be answered by any replica,
 * one that has not yet stored a write just made, and the engine reads what it wrote (run_ends).
 */
export async function openBucket(nats: Nats, name: string): Promise<KV> {
  let config: StreamConfig;
  try {
    ({ config } = await nats.jsm.streams.info(`KV_${name}`));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    throw new OoError(
      'OO_ERR_NATS_PROVISION',
      `KV bucket ${name} does not exist: actors provision the buckets contracts declare (Buckets) at start`,
      { cause: err },
    );
  }
  return nats.kvm.open(name, { allow_direct: config.allow_direct === true && config.num_replicas <= 1 });
}

export async function ensureObjectStore(
  nats: Nats,
  spec: ObjectStoreSpec,
  maxBytes = spec.maxBytes,
): Promise<ObjectStore> {
  try {
    const store = await nats.objm.create(spec.name, {
      description: spec.description,
      storage: StorageType.File,
      max_bytes: maxBytes,
      replicas: nats.replicas,
      ...(spec.ttlMs > 0 ? { ttl: nanos(spec.ttlMs) } : {}),
    });
    // An existing store keeps the limits it was made with: bring them to what contracts say.
    const stream = `OBJ_${spec.name}`;
    const current = (await nats.jsm.streams.info(stream)).config;
    const maxAge = spec.ttlMs > 0 ? nanos(spec.ttlMs) : 0;
    const replicas = moreReplicas(current.num_replicas, nats.replicas);
    if (current.max_age !== maxAge || current.max_bytes !== maxBytes || current.num_replicas !== replicas) {
      await nats.jsm.streams.update(stream, {
        max_age: maxAge,
        max_bytes: maxBytes,
        num_replicas: replicas,
      });
    }
    return store;
  } catch (err) {
    throw provisionError(`object store ${spec.name}`, err);
  }
}

/** A bucket made before `nats.replicas` was raised keeps its copies: add the missing ones. */
async function keepReplicas(nats: Nats, stream: string): Promise<void> {
  if (nats.replicas <= 1) return; // every stream has at least one copy: nothing to look up
  const current = (await nats.jsm.streams.info(stream)).config;
  if (current.num_replicas < nats.replicas) {
    await nats.jsm.streams.update(stream, { ...current, num_replicas: nats.replicas });
  }
}

export interface ConsumerSpec {
  stream: string;
  durable: string;
  filterSubject: string;
  ackWaitMs: number;
  maxAckPending: number;
  deliverPolicy: 'all' | 'new';
}

/** A durable pull consumer; replicas of an actor bind to the same one and share its messages. */
export async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    filter_subject: spec.filterSubject,
    ack_wait: nanos(spec.ackWaitMs),
    // Redelivery limits are enforced by the runtime, which knows the last error (see consumer-loop).
    max_deliver: -1,
    max_ack_pending: spec.maxAckPending,
    deliver_policy: spec.deliverPolicy === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
  };
  try {
    await jsm.consumers.add(spec.stream, config);
  } catch (err) {
    if (!(err instanceof JetStreamApiError)) throw provisionError(`consumer ${spec.durable}`, err);
    try {
      const { deliver_policy: _fixed, durable_name: _name, ...changeable } = config;
      await jsm.consumers.update(spec.stream, spec.durable, changeable);
    } catch (updateErr) {
      throw provisionError(`consumer ${spec.durable}`, updateErr);
    }
  }
}

const PROVISION_ATTEMPTS = 3;

/**
 * Provisioning is idempotent, so a failure that may pass is tried again, a few times: a request
 * that timed out may still be carried out (adding copies on a busy cluster waits for new peers),
 * and an instance starting beside another can lose a race to create the same asset. A real
 * misconfiguration fails the same way each time and is reported.
 */
async function patiently(ensure: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensure();
      return;
    } catch (err) {
      const cause = err instanceof OoError ? err.cause : err;
      const passing =
        cause instanceof TimeoutError || (cause instanceof JetStreamApiError && !isOutOfStorage(err));
      if (attempt >= PROVISION_ATTEMPTS || !passing) throw err;
    }
  }
}

/** JetStream cannot reserve the size asked for: its storage is spoken for (10047). */
function isOutOfStorage(err: unknown): boolean {
  const cause = err instanceof OoError ? err.cause : err;
  return cause instanceof JetStreamApiError && cause.code === 10047;
}

/** The smallest share of contracts' sizes tried before giving up. */
const MIN_SHARE = 1 / 256;
/** No stream or store is made smaller than this (bytes). */
const MIN_BYTES = 1024 * 1024;
const GIB = 1024 ** 3;

/** What contracts' streams and object stores add up to (bytes). */
export const CONTRACT_BYTES = [...Streams, ...ObjectStores].reduce((sum, spec) => sum + spec.maxBytes, 0);

const sized = (maxBytes: number, share: number) => Math.max(MIN_BYTES, Math.floor(maxBytes * share));

async function provisionAt(nats: Nats, share: number): Promise<void> {
  for (const stream of Streams) {
    await patiently(() => ensureStream(nats.jsm, stream, nats.replicas, sized(stream.maxBytes, share)));
  }
  for (const bucket of Buckets) await patiently(() => ensureBucket(nats, bucket));
  for (const store of ObjectStores) {
    await patiently(() => ensureObjectStore(nats, store, sized(store.maxBytes, share)));
  }
}

export interface Provisioned {
  /** The share of contracts' stream and store sizes JetStream could hold: 1, or 1/2, 1/4... */
  readonly share: number;
}

/**
 * Every stream, bucket and object store in contracts, at the largest share of their sizes the
 * server's storage holds. Safe to call from every instance at start.
 * @throws OoError OO_ERR_NATS_PROVISION, naming the storage when not even 1/256 of the sizes fits
 */
export async function provisionAll(nats: Nats): Promise<Provisioned> {
  for (let share = 1; ; share /= 2) {
    try {
      await provisionAt(nats, share);
      return { share };
    } catch (err) {
      if (!isOutOfStorage(err)) throw err;
      if (share <= MIN_SHARE) {
        const least = (CONTRACT_BYTES * MIN_SHARE) / 1024 ** 2;
        throw new OoError(
          'OO_ERR_NATS_PROVISION',
          `JetStream's storage cannot hold OO's streams even at 1/${1 / MIN_SHARE} of their sizes (${least.toFixed(0)} MiB of ${(CONTRACT_BYTES / GIB).toFixed(0)} GiB): free disk where nats-server stores, or raise its jetstream max_file_store`,
          { cause: err },
        );
      }
    }
  }
}

export { isNotFound };
