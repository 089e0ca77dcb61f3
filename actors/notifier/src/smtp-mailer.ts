/**
 * Sending over SMTP with nodemailer. A permanent refusal of every recipient is terminal (retrying
 * cannot help); everything else — no connection, a timeout, a 4xx, a failed session — is retryable,
 * and the runtime naks the notice with backoff.
 */
import { createTransport } from 'nodemailer';
import type { Delivery, Mailer } from './mailer.js';
import { notifierError } from './notifier-errors.js';

export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean | undefined;
  auth?: { user: string; pass: string } | undefined;
}

interface SmtpFailure {
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  rejected?: string[];
  message?: string;
}

export function classifySmtpFailure(err: unknown) {
  const e = (err ?? {}) as SmtpFailure;
  const details = {
    ...(e.code ? { code: e.code } : {}),
    ...(e.command ? { command: e.command } : {}),
    ...(e.responseCode ? { responseCode: e.responseCode } : {}),
    ...(e.response ? { response: e.response } : {}),
  };
  if (e.code === 'EENVELOPE' && e.command === 'RCPT TO' && (e.responseCode ?? 0) >= 500) {
    return notifierError(
      'OO_ERR_NOTIFY_RECIPIENT_REFUSED',
      `every recipient was refused: ${e.response ?? e.message}`,
      {
        ...details,
        rejected: e.rejected ?? [],
      },
    );
  }
  return notifierError(
    'OO_ERR_NOTIFY_SMTP_UNAVAILABLE',
    `SMTP send failed: ${e.message ?? String(err)}`,
    details,
  );
}

export function smtpMailer(options: SmtpOptions): Mailer {
  const transport = createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure ?? false,
    ...(options.auth ? { auth: options.auth } : {}),
    // Fail fast and let JetStream redeliver, rather than hold a delivery for minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail): Promise<Delivery> {
      try {
        const info = await transport.sendMail(mail);
        return { via: 'smtp', result: info.response, rejected: info.rejected.map(String) };
      } catch (err) {
        throw classifySmtpFailure(err);
      }
    },
    close: () => transport.close(),
  };
}
