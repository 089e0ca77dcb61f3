/**
 * A notice as a mail: plain text, the request and trace ids in `X-OO-*` headers, and a Message-ID
 * derived from request id and kind — a notice sent twice (at-least-once delivery) carries the same
 * Message-ID, so mail clients show it once.
 */
import type { NotifyEmail } from '@oo/contracts';

export interface MailFields {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
}

export function mailOf(notice: NotifyEmail, from: string): MailFields {
  const domain = from.slice(from.lastIndexOf('@') + 1) || 'oo.invalid';
  return {
    from,
    to: notice.to,
    subject: notice.subject,
    text: notice.text,
    messageId: `<${notice.requestId}.${notice.kind}@${domain}>`,
    headers: {
      'X-OO-Request-Id': notice.requestId,
      'X-OO-Trace-Id': notice.traceId,
      'X-OO-Notice': notice.kind,
    },
  };
}

/** The drop file of a notice: one per request and kind, so a repeat overwrites instead of adding. */
export function dropFileName(notice: Pick<NotifyEmail, 'requestId' | 'kind'>): string {
  return `${notice.requestId}.${notice.kind}.eml`;
}
