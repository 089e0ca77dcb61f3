/**
 * `oo dlq`: the dead letters — messages an actor could not handle, each with the reason — read from
 * the installation's NATS (NATS_URL, else the running `oo up`'s). `list` shows them oldest first as a
 * table (or JSON) and pages on with `--after`; `show` prints one whole, its body as it came; `replay`
 * sends letters again once their cause is fixed, and takes them out of the dead letters.
 */
import { type ErrorData, OoError, toOoError } from '@oo/contracts';
import {
  type DeadLetterReplay,
  discardDeadLetter,
  type Nats,
  readDeadLetter,
  readDeadLetters,
  replayDeadLetter,
  type StoredDeadLetter,
  whyNotReplayable,
} from '@oo/runtime';
import { type Io, json, processIo } from '../command-io.js';
import { withInstallationNats } from '../installation-nats.js';
import { printable } from '../terminal-text.js';
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

/** A letter as JSON shows it: with its sequence, and why a replay would be refused (null: it would not). */
function replayable({ seq, letter }: StoredDeadLetter) {
  return { seq, ...letter, cannotReplay: whyNotReplayable(letter) ?? null };
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
    io.out(json({ items: page.letters.map(replayable), more: page.more }));
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
  io.out(json(replayable(stored)));
  return 0;
}

/** How many letters one page of a selection reads. */
const SELECT_PAGE = 200;

/** The sequences of the letters `--actor`/`--since` select, oldest first, at most `limit`. */
async function selected(
  nats: Nats,
  query: { actor: string; since: Date | undefined },
  limit: number,
): Promise<number[]> {
  const seqs: number[] = [];
  let afterSeq: number | undefined;
  for (;;) {
    const page = await readDeadLetters(nats, {
      ...query,
      afterSeq,
      limit: Math.min(SELECT_PAGE, limit - seqs.length),
    });
    seqs.push(...page.letters.map((l) => l.seq));
    afterSeq = page.letters.at(-1)?.seq;
    if (!page.more || seqs.length >= limit || afterSeq === undefined) return seqs;
  }
}

/** What became of one letter: the action's answer, or why it was not done. */
type Outcome<T> = { seq: number; done: T } | { seq: number; error: ErrorData };

interface SettleOptions extends DlqOptions {
  actor?: string;
  since?: string;
  limit: string;
  json?: boolean;
}

/**
 * Does `act` to the letters named, or to those of `--actor` (since `--since`), oldest first. The
 * selection is read whole before the first is touched: a replayed message that fails again writes
 * a new letter, which this pass must not reach. A letter's own refusal is its outcome; anything else
 * (NATS gone) stops the pass where it is.
 */
async function settle<T>(
  verb: string,
  seqTexts: readonly string[],
  options: SettleOptions,
  act: (nats: Nats, seq: number) => Promise<T>,
): Promise<Outcome<T>[]> {
  if (seqTexts.length === 0 && options.actor === undefined) {
    throw new OoError('OO_ERR_CONFIG_INVALID', `name the letters to ${verb} (their sequences) or an --actor`);
  }
  if (seqTexts.length > 0 && (options.actor !== undefined || options.since !== undefined)) {
    throw new OoError('OO_ERR_CONFIG_INVALID', 'give either sequences or --actor/--since, not both');
  }
  const named = seqTexts.map((text) => positive('a sequence', text));
  const since = options.since === undefined ? undefined : sinceOf(options.since);
  const limit = positive('--limit', options.limit);
  return withInstallationNats(options.data, 'oo-dlq', async (nats) => {
    const seqs =
      options.actor === undefined ? named : await selected(nats, { actor: options.actor, since }, limit);
    const outcomes: Outcome<T>[] = [];
    for (const seq of seqs) {
      try {
        outcomes.push({ seq, done: await act(nats, seq) });
      } catch (err) {
        const error = toOoError(err);
        if (
          error.code !== 'OO_ERR_DEAD_LETTER_NOT_FOUND' &&
          error.code !== 'OO_ERR_DEAD_LETTER_NOT_REPLAYABLE'
        ) {
          throw error;
        }
        outcomes.push({ seq, error: error.toData() });
      }
    }
    return outcomes;
  });
}

/** Prints each outcome (`describe` for those done), or all as JSON; exit 1 when any was not done. */
function report<T>(
  verb: string,
  outcomes: readonly Outcome<T>[],
  options: SettleOptions,
  io: Io,
  describe: (done: T, seq: number) => string,
): number {
  if (options.json) {
    io.out(json({ items: outcomes.map((o) => ('error' in o ? o : { seq: o.seq, [verb]: o.done })) }));
  }
  for (const outcome of outcomes) {
    if ('error' in outcome)
      io.err(`not ${verb} ${outcome.seq}: ${printable(`${outcome.error.code}: ${outcome.error.message}`)}\n`);
    else if (!options.json) io.out(`${describe(outcome.done, outcome.seq)}\n`);
  }
  if (outcomes.length === 0) io.err('no dead letters selected\n');
  return outcomes.some((o) => 'error' in o) ? 1 : 0;
}

/** Sends letters again once their cause is fixed (dead-letter-replay.ts) and takes them out. */
export async function replayDeadLetters(
  seqTexts: readonly string[],
  options: SettleOptions,
  io: Io = processIo,
): Promise<number> {
  const outcomes = await settle('replay', seqTexts, options, replayDeadLetter);
  return report('replayed', outcomes, options, io, (replayed: DeadLetterReplay) => {
    const kept = replayed.removed ? '' : ' (the letter could not be removed: do not replay it again)';
    const again = replayed.duplicate
      ? ' (already sent again within the duplicate window: not sent twice)'
      : '';
    return `replayed ${replayed.seq}: ${replayed.subject} -> ${replayed.stream} #${replayed.streamSeq}${again}${kept}`;
  });
}

/** Takes letters out without sending their messages (judged not worth sending). */
export async function discardDeadLetters(
  seqTexts: readonly string[],
  options: SettleOptions,
  io: Io = processIo,
): Promise<number> {
  const outcomes = await settle('discard', seqTexts, options, async (nats, seq) => {
    await discardDeadLetter(nats, seq);
    return true;
  });
  return report('discarded', outcomes, options, io, (_done, seq) => `discarded ${seq}`);
}
