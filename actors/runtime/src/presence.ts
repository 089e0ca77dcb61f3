/**
 * Presence: each instance writes its heartbeat to the `presence` bucket every 5 s under
 * `<actor>.<instance>`. The bucket's max age (15 s) removes a killed instance's entry; readers also
 * skip entries whose heartbeat is older than that, since expiry runs on the server's schedule.
 */
import { hostname } from 'node:os';
import { BucketNames, PRESENCE_INTERVAL_MS, PRESENCE_TTL_MS, type PresenceEntry } from '@oo/contracts';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { JsonBucket } from './json-bucket.js';
import type { ActorStats } from './stats.js';

export interface PresenceIdentity {
  actor: string;
  instance: string;
  actorVersion: string;
  runtimeVersion: string;
  startedAt: string;
}

export interface PresenceBeat {
  /** Writes one heartbeat now. */
  beat(): Promise<void>;
  /** Stops beating and removes the entry at once. */
  stop(): Promise<void>;
}

export function presenceKey(actor: string, instance: string): string {
  return `${actor}.${instance}`;
}

export function startPresence(
  bucket: JsonBucket<PresenceEntry>,
  who: PresenceIdentity,
  stats: ActorStats,
  clock: Clock,
  log: Logger,
  intervalMs = PRESENCE_INTERVAL_MS,
): PresenceBeat {
  const key = presenceKey(who.actor, who.instance);
  const entry = (): PresenceEntry => ({
    actor: who.actor,
    instance: who.instance,
    host: hostname(),
    pid: process.pid,
    versions: { node: process.version, actor: who.actorVersion, runtime: who.runtimeVersion },
    startedAt: who.startedAt,
    heartbeatAt: clock.iso(),
    inFlight: stats.inFlight,
    handled: stats.handled,
    failed: stats.failed,
    ...(stats.lastError ? { lastError: stats.lastError } : {}),
  });
  const beat = async () => {
    await bucket.put(key, entry());
  };
  const timer = setInterval(() => {
    beat().catch((err: unknown) => log.warn({ err }, 'presence heartbeat failed'));
  }, intervalMs);
  timer.unref();
  return {
    beat,
    async stop() {
      clearInterval(timer);
      await bucket.delete(key).catch((err: unknown) => log.warn({ err }, 'presence entry not removed'));
    },
  };
}

/** Instances alive now, sorted by actor then instance. */
export async function readPresence(
  bucket: JsonBucket<PresenceEntry>,
  now = Date.now(),
): Promise<PresenceEntry[]> {
  // A heartbeat written during the sweep comes again, newer: one entry a key, the last read.
  const byKey = new Map<string, PresenceEntry>();
  for await (const { key, value } of bucket.latest()) {
    if (now - Date.parse(value.heartbeatAt) > PRESENCE_TTL_MS) byKey.delete(key);
    else byKey.set(key, value);
  }
  return [...byKey.values()].sort(
    (a, b) => a.actor.localeCompare(b.actor) || a.instance.localeCompare(b.instance),
  );
}

export const PRESENCE_BUCKET = BucketNames.presence;
