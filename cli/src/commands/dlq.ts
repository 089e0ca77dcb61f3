/**
 * `oo dlq`: the dead letters — messages an actor could not handle, each with the reason — read from
 * the installation's NATS (NATS_URL, else the running `oo up`'s). `list` shows them oldest first as a
 * table (or JSON) and pages on with `--after`; `show` prints one whole, its body as it came.
 */
import { OoError } from '@oo/contracts';
import { readDeadLetter, readDeadLetters, type StoredDeadLetter } from '@oo/runtime';
import { type Io, json, processIo } from '../command-io.js';
import { withInstallationNats } from '../installation-nats.js';
import { textTable } from '../text-table.js';

export interface DlqOptions {
  data: string;
}

const UNITS_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** How much of an error's message a table row shows (characters). */
const MESSAGE_WIDTH = 80;

/** `30m`, `24h`, `7d` before now, or a time (ISO 8601). */
export function sinceOf(text: string, now = Date.now()): Date {
  const ago = /^(\d{1,6})([mhd])$/.exec(text);
  if (ago) return new Date(now - Number(ago[1]) * (UNITS_MS[ago[2]!] ?? 0));
  const at = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(at)) return new Date(at);
  throw new OoError(
    'OO_ERR_CONFIG_INVALID',
    `--since must be like 30m, 24h or 7d, or a time (2026-11-27T10:00:00Z): ${text}`,
  );
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new OoError('OO_ERR_CONFIG_INVALID', `${name} must be a whole number above 0: ${text}`);
  }
  return value;
}

/** One line a letter: where it came from and why it was refused. */
export function deadLetterTable(letters: readonly StoredDeadLetter[]): string {
  const rows = letters.map(({ seq, letter }) => {
    const message = letter.error.message.replace(/\s+/g, ' ');
    return [
      String(seq),
      letter.at.replace('T', ' ').slice(0, 19),
      letter.actor,
      letter.subject,
      letter.error.code,
      message.length > MESSAGE_WIDTH ? `${message.slice(0, MESSAGE_WIDTH - 1)}…` : message,
    ];
  });
  return textTable(['SEQ', 'AT', 'ACTOR', 'SUBJECT', 'ERROR', 'MESSAGE'], rows);
}

export async function listDeadLetters(
  options: DlqOptions & { actor?: string; since?: string; after?: string; limit: string; json?: boolean },
  io: Io = processIo,
): Promise<number> {
  const query = {
    actor: options.actor,
    since: options.since === undefined ? undefined : sinceOf(options.since),
    afterSeq: options.after === undefined ? undefined : positive('--after', options.after),
    limit: positive('--limit', options.limit),
  };
  const page = await withInstallationNats(options.data, 'oo-dlq', (nats) => readDeadLetters(nats, query));
  if (options.json) {
    io.out(json({ items: page.letters.map(({ seq, letter }) => ({ seq, ...letter })), more: page.more }));
    return 0;
  }
  io.out(page.letters.length === 0 ? 'no dead letters\n' : `${deadLetterTable(page.letters)}\n`);
  const last = page.letters.at(-1);
  if (page.more && last) io.err(`more follow: oo dlq list --after ${last.seq}\n`);
  return 0;
}

export async function showDeadLetter(
  seqText: string,
  options: DlqOptions,
  io: Io = processIo,
): Promise<number> {
  const seq = positive('the sequence', seqText);
  const stored = await withInstallationNats(options.data, 'oo-dlq', (nats) => readDeadLetter(nats, seq));
  if (!stored) throw new OoError('OO_ERR_DEAD_LETTER_NOT_FOUND', `no dead letter at sequence ${seq}`);
  io.out(json({ seq, ...stored.letter }));
  return 0;
}
