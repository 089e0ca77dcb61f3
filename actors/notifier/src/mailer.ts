/** How a notice leaves the notifier: over SMTP, or into a drop folder when no SMTP is configured. */
import type { MailFields } from './mail-message.js';

export interface Delivery {
  /** `smtp` or `drop`. */
  readonly via: string;
  /** The SMTP reply, or the .eml file written. */
  readonly result: string;
  /** Recipients the server refused while accepting others. */
  readonly rejected: readonly string[];
}

export interface Mailer {
  /**
   * @throws OoError OO_ERR_NOTIFY_SMTP_UNAVAILABLE | OO_ERR_NOTIFY_DROP_FAILED (retryable),
   *   OO_ERR_NOTIFY_RECIPIENT_REFUSED (terminal)
   */
  send(mail: MailFields, dropName: string): Promise<Delivery>;
  close(): void;
}
