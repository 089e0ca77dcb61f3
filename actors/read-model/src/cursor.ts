/**
 * Opaque keyset cursors: the (time, id) of the last row of a page, base64url-encoded. Keyset rather
 * than offset, so a page never repeats or skips rows while new ones arrive at the top.
 */
import { z } from 'zod';

export interface Position {
  /** RFC 3339, millisecond precision (as stored). */
  readonly at: string;
  readonly id: string;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

/**
 * Only what `encodeCursor` writes: the time of a stored row as `toISOString` spells it (UTC,
 * milliseconds, after 1970) and an id. A looser cursor reached the query and failed it there, a 500
 * for the caller: a year 0 or a time past 9999 is not a PostgreSQL timestamp, and text cannot hold NUL.
 */
const Decoded = z.tuple([
  z.iso.datetime({ precision: 3 }).refine((at) => Date.parse(at) >= 0),
  z
    .string()
    .min(1)
    .max(256)
    .refine((id) => !id.includes('\u0000')),
]);

/** A cursor string as the client sent it, decoded; invalid ones fail validation on `cursor`. */
export const Cursor = z.string().transform((value, ctx): Position => {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = Decoded.safeParse(raw);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
    return z.NEVER;
  }
  return { at: parsed.data[0], id: parsed.data[1] };
});
