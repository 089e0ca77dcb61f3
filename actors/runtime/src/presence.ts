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
    deadLettered: stats.deadLettered,
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

/**
 * Instances alive now, sorted by actor then instance. The keys from the bucket's index, then each
 * one's value: a sweep of the bucket misses an entry whose heartbeat is rewritten while it runs.
 */
export async function readPresence(
  bucket: JsonBucket<PresenceEntry>,
  now = Date.now(),
): Promise<PresenceEntry[]> {
  const values = await Promise.all((await bucket.keys()).map((key) => bucket.get(key)));
  return values
    .flatMap((found) =>
      found && now - Date.parse(found.value.heartbeatAt) <= PRESENCE_TTL_MS ? [found.value] : [],
    )
    .sort((a, b) => a.actor.localeCompare(b.actor) || a.instance.localeCompare(b.instance));
}

export const PRESENCE_BUCKET = BucketNames.presence;
