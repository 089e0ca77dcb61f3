/**
 * With no SMTP server configured, each notice becomes an RFC 5322 .eml file in the drop folder,
 * named by request id and kind, written whole (temp file + rename) so a reader never sees half.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import type { Delivery, Mailer } from './mailer.js';
import { notifierError } from './notifier-errors.js';

export function dropMailer(dropDir: string): Mailer {
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail, dropName): Promise<Delivery> {
      const info = await composer.sendMail(mail);
      const file = join(dropDir, dropName);
      const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await mkdir(dropDir, { recursive: true });
        await writeFile(temp, info.message as Buffer);
        await rename(temp, file);
      } catch (err) {
        throw notifierError('OO_ERR_NOTIFY_DROP_FAILED', `cannot write ${file}: ${(err as Error).message}`, {
          file,
        });
      }
      return { via: 'drop', result: file, rejected: [] };
    },
    close: () => undefined,
  };
}
