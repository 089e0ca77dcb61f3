import { z } from 'zod';
import { ErrorData } from './errors.js';
import { Timestamp } from './ids.js';

/** What `oo.dlq.<actor>` carries: the original message, untouched, and why it was refused. */
export const DeadLetter = z.object({
  actor: z.string(),
  instance: z.string(),
  subject: z.string(),
  stream: z.string().optional(),
  streamSeq: z.number().int().optional(),
  deliveries: z.number().int().nonnegative(),
  headers: z.record(z.string(), z.array(z.string())),
  /** The body exactly as received, as UTF-8 text (base64 when it was not valid UTF-8). */
  body: z.string(),
  bodyEncoding: z.enum(['utf8', 'base64']),
  error: ErrorData,
  at: Timestamp,
});
export type DeadLetter = z.infer<typeof DeadLetter>;
