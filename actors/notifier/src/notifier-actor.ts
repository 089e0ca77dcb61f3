/**
 * The notifier actor: consumes `oo.cmd.notify.email` and sends each notice over SMTP — or, with no
 * SMTP server configured, drops it as an .eml file and logs where. SMTP trouble is retried with
 * backoff (the message waits in JetStream, not in memory); a refused recipient is dead-lettered.
 */
import { Headers, NotifySubjects, OoError } from '@oo/contracts';
import { defineActor, exponentialBackoff, on, principalTokens, type RetryPolicy } from '@oo/runtime';
import { z } from 'zod';
import { dropMailer } from './drop-mailer.js';
import { dropFileName, mailOf } from './mail-message.js';
import type { Mailer } from './mailer.js';
import { smtpMailer } from './smtp-mailer.js';

/** 1 s doubling to 10 min, 12 attempts: about 20 minutes of SMTP outage before a dead letter. */
export const NOTIFY_RETRY: RetryPolicy = {
  maxAttempts: 12,
  backoffMs: exponentialBackoff(1_000, 10 * 60_000, 11),
  jitter: 0.2,
};

export const NotifierOptions = z
  .object({
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65_535),
        secure: z.boolean().optional(),
        auth: z.object({ user: z.string(), pass: z.string() }).strict().optional(),
      })
      .strict()
      .optional(),
    /** The From address of every notice. */
    from: z.email(),
    /** Where notices go as .eml files when no SMTP server is configured. */
    dropDir: z.string().min(1),
    /** How SMTP failures are retried (default NOTIFY_RETRY). */
    retry: z.custom<RetryPolicy>((v) => typeof v === 'object' && v !== null && 'maxAttempts' in v).optional(),
  })
  .strict();
export type NotifierOptions = z.input<typeof NotifierOptions>;

/** @throws OoError OO_ERR_CONFIG_INVALID for bad options (at once) or a missing auth.secret (at start) */
export function notifierActor(options: NotifierOptions) {
  const parsed = NotifierOptions.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `notifier.${i.path.join('.')}: ${i.message}`);
    throw new OoError('OO_ERR_CONFIG_INVALID', `invalid notifier options: ${problems.join('; ')}`);
  }
  const { smtp, from, dropDir, retry } = parsed.data;
  return defineActor({
    name: 'notifier',
    version: '0.1.0',
    description: 'Sends notices by e-mail (SMTP), or drops them as .eml files',
    async setup(env) {
      const secret = env.config.auth.secret;
      if (!secret) {
        throw new OoError('OO_ERR_CONFIG_INVALID', 'auth.secret is required: the notifier verifies senders');
      }
      const tokens = principalTokens(secret);
      const mailer: Mailer = smtp ? smtpMailer(smtp) : dropMailer(dropDir);
      if (smtp) env.log.info({ host: smtp.host, port: smtp.port }, 'notices go out over SMTP');
      else env.log.warn({ dropDir }, 'no SMTP server configured: notices are written as .eml files');
      return {
        handlers: [
          on(
            NotifySubjects.email,
            async (ctx, notice) => {
              if (!ctx.principal) {
                throw new OoError(
                  'OO_ERR_AUTH_MISSING',
                  `${ctx.subject} carries no ${Headers.principal} header`,
                  {
                    retryable: false,
                  },
                );
              }
              // Signature only: a notice may follow a run that outlived the token it started with.
              const sender = await tokens.verify(ctx.principal);
              const delivery = await mailer.send(mailOf(notice, from), dropFileName(notice));
              if (delivery.rejected.length > 0) {
                ctx.log.warn(
                  { rejected: delivery.rejected },
                  'some recipients were refused; the others got the notice',
                );
              }
              ctx.log.info(
                {
                  kind: notice.kind,
                  to: notice.to,
                  via: delivery.via,
                  result: delivery.result,
                  sender: sender.sub,
                },
                delivery.via === 'drop' ? `notice dropped at ${delivery.result}` : 'notice sent',
              );
              return undefined;
            },
            { retry: retry ?? NOTIFY_RETRY, concurrency: 8 },
          ),
        ],
        stop: async () => mailer.close(),
      };
    },
  });
}
