/**
 * Notices: e-mail the notifier actor sends on behalf of the request path (and, later, workflows).
 *
 *   oo.cmd.notify.email   send one plain-text mail; the notifier delivers it over SMTP, or drops it
 *                         as an .eml file when no SMTP server is configured
 *
 * The publisher renders subject and text; the notifier adds the request and trace ids as
 * `X-OO-Request-Id` / `X-OO-Trace-Id` headers, so a mail can be found from either id.
 */
import { z } from 'zod';
import { subject } from './subjects.js';

/** What the request path sends: `accepted`, `succeeded`, `failed`, `cancelled`; other senders pick their own. */
export const NoticeKind = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a lower-case word like accepted or succeeded');

export const NotifyEmail = z
  .object({
    to: z.array(z.email()).min(1, 'needs at least one recipient').max(50),
    /** One header line: no line breaks. */
    subject: z
      .string()
      .min(1)
      .max(998)
      .regex(/^[^\r\n]*$/, 'must be one line'),
    text: z.string().max(100_000),
    /** Letters, digits, `_ . -`: it names the mail's drop file. */
    requestId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -'),
    traceId: z.string().min(1).max(64),
    kind: NoticeKind,
  })
  .strict();
export type NotifyEmail = z.infer<typeof NotifyEmail>;

export const NotifySubjects = {
  email: subject('oo.cmd.notify.email', NotifyEmail),
} as const;
