/**
 * Turning an HTTP response into task output that is safe to store and show: a body read up to a
 * cap, only allow-listed headers, and every secret value the request carried replaced.
 */
import { OoError } from '@oo/contracts';
import type { JsonValue } from '@oo/runtime';

/** Bodies are cut here (bytes): the output is kept with the run (by reference past the inline limit). */
export const MAX_BODY_BYTES = 256 * 1024;

/** Response headers worth keeping; anything else (cookies, auth challenges, echoes) is dropped. */
export const ALLOWED_RESPONSE_HEADERS: readonly string[] = [
  'content-type',
  'content-length',
  'content-location',
  'location',
  'etag',
  'last-modified',
  'retry-after',
  'link',
  'x-request-id',
  'x-correlation-id',
];

const REDACTED = '[REDACTED]';

export type Scrub = (text: string) => string;

/** Replaces every occurrence of each secret value. */
export function scrubber(secrets: readonly string[]): Scrub {
  const values = secrets.filter((s) => s.length > 0);
  return (text) => values.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

export function allowedHeaders(headers: Headers, scrub: Scrub): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ALLOWED_RESPONSE_HEADERS) {
    const value = headers.get(name);
    if (value !== null) out[name] = scrub(value);
  }
  return out;
}

/**
 * Reads at most `maxBytes` of the body. Failures while reading become OoErrors: the task signal's
 * reason when it aborted, OO_ERR_TIMEOUT past the call's timeout, else OO_ERR_WORKFLOW_HTTP_UNREACHABLE.
 */
export async function readCapped(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
  what: string,
): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - size));
        truncated = true;
        await reader.cancel();
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if ((err as Error).name === 'TimeoutError')
      throw new OoError('OO_ERR_TIMEOUT', `${what}: body not read in time`);
    throw new OoError(
      'OO_ERR_WORKFLOW_HTTP_UNREACHABLE',
      `${what}: body not read: ${(err as Error).message}`,
    );
  }
  return { text: new TextDecoder().decode(Buffer.concat(chunks)), truncated };
}

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\b/i;

/** JSON when the response says so and it parses, the text otherwise, null when empty. */
export function bodyValue(text: string, contentType: string | null, truncated: boolean): JsonValue {
  if (text === '') return null;
  if (!truncated && contentType && JSON_TYPE.test(contentType)) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // A server that labels non-JSON as JSON: keep the text.
    }
  }
  return text;
}

/** Retry-After as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
