/**
 * Runs one instance of an actor: its own NATS connection, provisioning, one consumer loop per
 * handler, presence, and a draining stop.
 */

import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Subscription } from '@nats-io/transport-node';
import { BucketNames, newId, PresenceEntry } from '@oo/contracts';
import { type Tracer, trace } from '@opentelemetry/api';
import { type Logger, pino } from 'pino';
import type { z } from 'zod';
import type { ActorEnv } from './actor-env.js';
import { type Clock, systemClock } from './clock.js';
import type { RuntimeConfig } from './config.js';
import { connectNats, type Nats } from './connection.js';
import { type ConsumerLoop, startConsumerLoop } from './consumer-loop.js';
import { discardDeadLetter } from './dead-letter-discard.js';
import { readDeadLetters } from './dead-letter-reader.js';
import { replayDeadLetter } from './dead-letter-replay.js';
import type { ActorDefinition, HandlerDef } from './define-actor.js';
import { FailureCount, failureCounts } from './failure-counts.js';
import { collectWhenIdle } from './idle-collection.js';
import { type JsonBucket, type JsonBucketOptions, jsonBucket } from './json-bucket.js';
import { type ObjectFiles, openObjectFiles } from './object-files.js';
import { PRESENCE_BUCKET, type PresenceBeat, startPresence } from './presence.js';
import { CONTRACT_BYTES, openBucket, provisionAll } from './provision.js';
import { createPublisher, type Publish } from './publisher.js';
import { type ActorStats, newStats } from './stats.js';
import { RUNTIME_VERSION } from './version.js';

export interface StartActorOptions {
  config: RuntimeConfig;
  /** Defaults to the global tracer (set up by `startTelemetry`). */
  tracer?: Tracer;
  /** Defaults to a pino logger at `config.log.level` on stdout. */
  log?: Logger;
  clock?: Clock;
  /** Presence heartbeat interval (ms); tests shorten it. */
  presenceIntervalMs?: number;
}

export interface ActorHandle {
  readonly name: string;
  readonly instance: string;
  readonly publish: Publish;
  readonly nats: Nats;
  /** What the instance counted (presence and the metrics endpoint read it). */
  readonly stats: Readonly<ActorStats>;
  /** The share of contracts' stream sizes the server's JetStream storage holds (provision.ts): 1 unless its disk is short. */
  readonly storageShare: number;
  /** Stops pulling, lets in-flight work finish (bounded by drainTimeoutMs), removes presence, closes. */
  stop(): Promise<void>;
}

/** Servers (and shares) whose short storage an actor of this process has told already. */
const toldShares = new Set<string>();

/** True the first time an actor of this process finds `url` holding this share: `oo up` says it once, not once per actor. */
function firstToTell(url: string, share: number): boolean {
  const key = `${url} ${share}`;
  if (toldShares.has(key)) return false;
  toldShares.add(key);
  return true;
}

export async function startActor(
  definition: ActorDefinition,
  options: StartActorOptions,
): Promise<ActorHandle> {
  const { config } = options;
  const instance = newId('inst');
  const tracer = options.tracer ?? trace.getTracer('oo');
  const clock = options.clock ?? systemClock;
  const log = (options.log ?? pino({ level: config.log.level })).child({ actor: definition.name, instance });
  const nats = await connectNats(config.nats, `${definition.name}/${hostname()}/${process.pid}`);
  const { share } = await provisionAll(nats);
  if (share < 1 && firstToTell(config.nats.url, share)) {
    log.warn(
      { share, streamsGiB: Math.round((CONTRACT_BYTES * share) / 1024 ** 3) },
      `JetStream's storage holds OO's streams at 1/${1 / share} of their sizes: they drop their oldest messages that much sooner; free disk where nats-server stores, or raise its jetstream max_file_store`,
    );
  }

  const publish = createPublisher(nats.publish, tracer, `${definition.name}/${instance}`);
  const buckets = new Map<string, unknown>();
  const objectStores = new Map<string, ObjectFiles>();
  const subscriptions: Subscription[] = [];
  const decoder = new TextDecoder();
  /**
   * Per stream, the first sequence stored while `listen`'s subscriptions were live: the stream's
   * last sequence asked for on this connection after the subscriptions were sent (the server has
   * them before it answers), plus one. Asked lazily, and again after a new subscription or a lost
   * connection (core NATS drops what is sent meanwhile, and the client resends the subscriptions
   * before anything else on the new one). Sequences, not times: the server orders them, whatever
   * this host's clock says.
   */
  const heardLiveFrom = new Map<string, Promise<number>>();
  void (async () => {
    for await (const status of nats.nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect') heardLiveFrom.clear();
    }
  })();
  const stats = newStats();
  const env: ActorEnv = {
    name: definition.name,
    instance,
    config,
    log,
    tracer,
    clock,
    publish,
    // NATS's default when the server has not said (it always does once connected).
    maxPayload: () => nats.nc.info?.max_payload ?? 1_048_576,
    listen(target, handler) {
      const sub = nats.nc.subscribe(target.name, {
        callback: (err, msg) => {
          if (err) return;
          let parsed: ReturnType<typeof target.schema.safeParse>;
          try {
            parsed = target.schema.safeParse(JSON.parse(decoder.decode(msg.data)));
          } catch (parseErr) {
            log.warn({ err: parseErr, subject: msg.subject }, 'ignored non-JSON message');
            return;
          }
          if (!parsed.success) {
            log.warn({ subject: msg.subject, issues: parsed.error.issues }, 'ignored invalid message');
            return;
          }
          handler(parsed.data as never, msg.subject);
        },
      });
      subscriptions.push(sub);
      heardLiveFrom.clear();
    },
    heardLiveFrom(stream) {
      let from = heardLiveFrom.get(stream);
      if (!from) {
        const asked: Promise<number> = nats.jsm.streams.info(stream).then(
          (info) => info.state.last_seq + 1,
          () => {
            // Not kept: the next one asks again. Meanwhile nothing counts as heard live.
            if (heardLiveFrom.get(stream) === asked) heardLiveFrom.delete(stream);
            return Number.POSITIVE_INFINITY;
          },
        );
        heardLiveFrom.set(stream, asked);
        from = asked;
      }
      return from;
    },
    async bucket<S extends z.ZodType>(name: string, schema: S, options?: JsonBucketOptions) {
      const key = `${name}${options?.trustReads ? ':trusted' : ''}`;
      const cached = buckets.get(key) as JsonBucket<z.output<S>> | undefined;
      if (cached) return cached;
      const opened = jsonBucket(await openBucket(nats, name), name, schema, options, nats);
      buckets.set(key, opened);
      return opened;
    },
    deadLetters: (query) => readDeadLetters(nats, query),
    replayDeadLetter: (seq) => replayDeadLetter(nats, seq),
    discardDeadLetter: (seq) => discardDeadLetter(nats, seq),
    async objects(name) {
      const cached = objectStores.get(name);
      if (cached) return cached;
      const opened = await openObjectFiles(nats, name);
      objectStores.set(name, opened);
      return opened;
    },
    reportError({ code, message }) {
      stats.lastError = { code, message, at: clock.iso() };
    },
  };

  const setup = definition.setup ? await definition.setup(env) : {};
  const handlers: HandlerDef[] = [...(definition.handlers ?? []), ...(setup.handlers ?? [])];
  const hardStop = new AbortController();
  // Every in-flight delivery listens to it (removed when done): many at once is expected, not a leak.
  setMaxListeners(0, hardStop.signal);
  const loops: ConsumerLoop[] = [];
  const failures = failureCounts(() => env.bucket(BucketNames.handlerFailures, FailureCount));
  for (const def of handlers) {
    loops.push(
      await startConsumerLoop(def, {
        actor: definition.name,
        instance,
        js: nats.js,
        jsm: nats.jsm,
        tracer,
        log,
        clock,
        publish,
        interceptors: definition.interceptors ?? [],
        stats,
        hardStop: hardStop.signal,
        maxPayload: env.maxPayload,
        failures,
      }),
    );
  }

  const stopCollecting = collectWhenIdle(stats);
  const presence: PresenceBeat = startPresence(
    await env.bucket(PRESENCE_BUCKET, PresenceEntry),
    {
      actor: definition.name,
      instance,
      actorVersion: definition.version,
      runtimeVersion: RUNTIME_VERSION,
      startedAt: clock.iso(),
    },
    stats,
    clock,
    log,
    options.presenceIntervalMs,
  );
  await presence.beat();
  log.info({ handlers: handlers.map((h) => h.subject.name) }, 'actor started');

  let stopped: Promise<void> | undefined;
  return {
    name: definition.name,
    instance,
    storageShare: share,
    publish,
    nats,
    stats,
    stop() {
      stopped ??= (async () => {
        const drained = Promise.all(loops.map((loop) => loop.drain()));
        const timer = setTimeout(() => hardStop.abort(), config.drainTimeoutMs);
        timer.unref();
        await drained;
        clearTimeout(timer);
        for (const sub of subscriptions) sub.unsubscribe();
        await setup.stop?.();
        await presence.stop();
        stopCollecting();
        await nats.nc.drain().catch(() => undefined);
        log.info({ handled: stats.handled, failed: stats.failed }, 'actor stopped');
      })();
      return stopped;
    },
  };
}
