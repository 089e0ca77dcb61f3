/**
 * Identifiers: `<prefix>_<26 chars>` where the 26 chars are a ULID (48-bit ms time + 80 random
 * bits, Crockford base32). Time-ordered, so newest-first listings and cursors sort by id.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 16 chars of 5 bits from 10 bytes.
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export type IdPrefix = 'req' | 'run' | 'inst' | 'tok' | 'msg';

/** A new time-ordered id. `now` and `random` are injectable so pure code can pass them in. */
export function newId(
  prefix: IdPrefix,
  now: number = Date.now(),
  random: Uint8Array = randomBytes(10),
): string {
  return `${prefix}_${encodeTime(now)}${encodeRandom(random)}`;
}

/** One character of ALPHABET, as a regex class. */
const ULID_CHAR = '[0-9A-HJKMNP-TV-Z]';
const MINTED = new RegExp(`^[a-z]+_(${ULID_CHAR}{10})${ULID_CHAR}{16}$`);

/** When `newId` made `id` (ms since the epoch); undefined for an id it did not make (a caller's own). */
export function idTime(id: string): number | undefined {
  const time = MINTED.exec(id)?.[1];
  if (time === undefined) return undefined;
  let ms = 0;
  for (const char of time) ms = ms * 32 + ALPHABET.indexOf(char);
  return ms;
}

export const idSchema = (prefix: IdPrefix) =>
  z.string().regex(new RegExp(`^${prefix}_${ULID_CHAR}{26}$`), `must be a ${prefix}_ id`);

/** W3C trace id: 32 lower-case hex digits, not all zero. */
export const TraceId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'must be 32 lower-case hex digits')
  .refine((v) => v !== '0'.repeat(32), 'must not be all zeros');

/** RFC 3339 timestamp with offset, as every OO body writes time. */
export const Timestamp = z.iso.datetime({ offset: true });
