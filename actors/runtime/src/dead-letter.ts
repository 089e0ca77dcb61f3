/**
 * Sends a message an actor cannot handle to `oo.dlq.<actor>` with the reason: its body and headers
 * as they came, but for the caller's signed identity token, which is a credential: it is replaced
 * by a marker. A letter can be sent again once its cause is fixed (dead-letter-replay.ts), but not as
 * its sender: a command acting as its caller cannot be replayed.
 */

import type { JsMsg } from '@nats-io/jetstream';
import { DeadLetter, deadLetterSubjectName, type ErrorData, Headers, subject } from '@oo/contracts';
import type { Publish } from './publisher.js';

/** Room left in a message for the headers the publisher adds (trace, ids, principal token) (bytes). */
const HEADER_ROOM = 16 * 1024;
/** What a dead letter holds in place of the `oo-principal` token. */
const REDACTED = '[redacted]';
/** How much of an error's message a shortened dead letter keeps (characters). */
const SHORT_MESSAGE = 4 * 1024;

function headersOf(msg: JsMsg): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!msg.headers) return out;
  for (const key of msg.headers.keys()) {
    out[key] = key === Headers.principal ? [REDACTED] : msg.headers.values(key);
  }
  return out;
}

function bodyOf(msg: JsMsg): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(msg.data), bodyEncoding: 'utf8' };
  } catch {
    return { body: Buffer.from(msg.data).toString('base64'), bodyEncoding: 'base64' };
  }
}

const sizeOf = (letter: DeadLetter) => Buffer.byteLength(JSON.stringify(letter));

/**
 * The letter as it fits in `limit` bytes of JSON. A body near the server's max_payload cannot be
 * quoted whole (JSON escapes grow it, base64 by a third), and a letter that cannot be published
 * would leave its message redelivered for ever: the body is then cut to the first bytes that fit,
 * in base64, the error's message shortened, and `error.details` says how long the body was.
 */
function fitted(letter: DeadLetter, data: Uint8Array, limit: number): DeadLetter {
  if (sizeOf(letter) <= limit) return letter;
  const details = letter.error.details ?? {};
  const error: ErrorData = {
    ...letter.error,
    message: letter.error.message.slice(0, SHORT_MESSAGE),
    details: {
      ...(JSON.stringify(details).length <= SHORT_MESSAGE ? details : {}),
      bodyBytes: data.length,
      bodyTruncated: true,
    },
  };
  const room = limit - sizeOf({ ...letter, error, body: '', bodyEncoding: 'base64' });
  const kept = data.subarray(0, Math.max(0, Math.floor(room / 4) * 3));
  return { ...letter, error, body: Buffer.from(kept).toString('base64'), bodyEncoding: 'base64' };
}

/** `maxPayload` is the server's largest message (bytes): the letter is cut to fit it. */
export async function deadLetter(
  publish: Publish,
  actor: string,
  instance: string,
  msg: JsMsg,
  error: ErrorData,
  maxPayload = 1_048_576,
): Promise<void> {
  const dlq = subject(deadLetterSubjectName(actor), DeadLetter);
  const letter: DeadLetter = {
    actor,
    instance,
    subject: msg.subject,
    stream: msg.info.stream,
    streamSeq: msg.info.streamSequence,
    deliveries: msg.info.deliveryCount,
    headers: headersOf(msg),
    ...bodyOf(msg),
    error,
    at: new Date().toISOString(),
  };
  await publish(dlq, fitted(letter, msg.data, maxPayload - HEADER_ROOM), {
    // One dead letter per original message, however often this runs.
    msgId: `dlq.${msg.info.stream}.${msg.info.streamSequence}`,
  });
}
