import { z } from 'zod';
import { Timestamp } from './ids.js';

/** One actor instance's heartbeat in the `presence` bucket, key `<actor>.<instance>`. */
export const PresenceEntry = z.object({
  actor: z.string(),
  instance: z.string(),
  host: z.string(),
  pid: z.number().int(),
  versions: z.object({ node: z.string(), actor: z.string(), runtime: z.string() }),
  startedAt: Timestamp,
  heartbeatAt: Timestamp,
  inFlight: z.number().int().nonnegative(),
  handled: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Deliveries dead-lettered (absent from instances of builds before it was counted here). */
  deadLettered: z.number().int().nonnegative().optional(),
  lastError: z.object({ code: z.string(), message: z.string(), at: Timestamp }).optional(),
});
export type PresenceEntry = z.infer<typeof PresenceEntry>;
