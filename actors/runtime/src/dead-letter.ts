/** Sends a message an actor cannot handle to `oo.dlq.<actor>` with the reason, untouched. */

import type { JsMsg } from '@nats-io/jetstream';
import { DeadLetter, deadLetterSubjectName, type ErrorData, subject } from '@oo/contracts';
import type { Publish } from './publisher.js';

function headersOf(msg: JsMsg): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!msg.headers) return out;
  for (const key of msg.headers.keys()) out[key] = msg.headers.values(key);
  return out;
}

function bodyOf(msg: JsMsg): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(msg.data), bodyEncoding: 'utf8' };
  } catch {
    return { body: Buffer.from(msg.data).toString('base64'), bodyEncoding: 'base64' };
  }
}

export async function deadLetter(
  publish: Publish,
  actor: string,
  instance: string,
  msg: JsMsg,
  error: ErrorData,
): Promise<void> {
  const dlq = subject(deadLetterSubjectName(actor), DeadLetter);
  await publish(
    dlq,
    {
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
    },
    // One dead letter per original message, however often this runs.
    { msgId: `dlq.${msg.info.stream}.${msg.info.streamSequence}` },
  );
}
