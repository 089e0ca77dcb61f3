import type { ErrorSpec } from '../error-spec.js';

/** Error codes of the notify area. Merged into ErrorRegistry in errors.ts. */
export const NotifierErrors = {
  OO_ERR_NOTIFY_SMTP_UNAVAILABLE: {
    meaning:
      'The SMTP server could not be reached, refused the session or the message for now (4xx), or failed; `details` holds its code and reply.',
    retryable: true,
    fix: 'Nothing for one outage: the notice is retried with backoff. If it lasts, check the notifier’s smtp host, port, TLS and credentials.',
  },
  OO_ERR_NOTIFY_RECIPIENT_REFUSED: {
    meaning:
      'The SMTP server permanently refused every recipient (5xx on RCPT TO); `details.rejected` lists them.',
    retryable: false,
    fix: 'Correct the addresses (the request’s `notify`, or the notifier’s defaultTo) and send again.',
  },
  OO_ERR_NOTIFY_DROP_FAILED: {
    meaning: 'A notice could not be written as an .eml file into the drop folder.',
    retryable: true,
    fix: 'Check the drop folder exists, is writable and has space.',
  },
} as const satisfies Record<string, ErrorSpec>;
