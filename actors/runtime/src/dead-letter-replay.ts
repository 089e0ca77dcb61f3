/**
 * Sending a dead letter's message again (`oo dlq replay`), once its cause is fixed: the body and
 * headers as they came, on the subject they came on, and the letter taken out of the dead-letter
 * stream (a redrive). If the message fails again, its handler writes a new letter.
 *
 * What cannot go again is refused before anything is sent: a body cut to fit the letter, a subject
 * OO does not publish, a body that still does not match its subject, and a command whose handler
 * acts as its caller — a letter keeps no identity token, and nobody else may stand in for the caller.
 *
 * The message goes with `Nats-Msg-Id` `dlq-replay.<seq>`, so replaying a letter twice within the
 * stream's duplicate window sends it once; the letter is removed after the stream took the message.
 * A replay interrupted between the two leaves the letter, and a replay of it after the window sends
 * the message again: handlers take redeliveries already.
 */
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  type DeadLetter,
  Headers,
  issuesText,
  OoError,
  schemaIssues,
  schemaVersionIn,
  subjectNamed,
} from '@oo/contracts';
import type { Nats } from './connection.js';
import { deleteDeadLetter } from './dead-letter-discard.js';
import { readDeadLetter } from './dead-letter-reader.js';

export interface DeadLetterReplay {
  /** The letter's sequence in the dead-letter stream. */
  readonly seq: number;
  readonly subject: string;
  /** Where the message was stored again. */
  readonly stream: string;
  readonly streamSeq: number;
  /** The stream had it already (a replay of this letter within its duplicate window). */
  readonly duplicate: boolean;
  /** The letter was taken out of the dead-letter stream (false when that failed: replay it no more). */
  readonly removed: boolean;
  /** The trace the message belongs to (its `oo-trace-id`), when it had one. */
  readonly traceId: string | undefined;
}

function bodyBytes(letter: DeadLetter): Buffer {
  return Buffer.from(letter.body, letter.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}

/**
 * Why `letter` cannot be sent again as it is, in words; undefined when it can. What lists letters
 * says it beside each, so nobody presses a replay that is bound to be refused.
 */
export function whyNotReplayable(letter: DeadLetter): string | undefined {
  if (letter.error.details?.bodyTruncated === true) return 'its body was cut to fit the letter';
  const declared = subjectNamed(letter.subject);
  if (!declared) return `OO publishes nothing on ${letter.subject}`;
  if (declared.needsCaller) {
    return `${letter.subject} acts as its caller, whose identity a letter does not keep: the caller must send it again`;
  }
  const version = schemaVersionIn(letter.headers[Headers.schema]?.[0]) ?? declared.version;
  // Another version's body is its consumer's to judge.
  if (version !== declared.version) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(bodyBytes(letter).toString('utf8'));
  } catch {
    return 'its body is not JSON';
  }
  const parsed = declared.schema.safeParse(json);
  if (parsed.success) return undefined;
  return `its body still does not match ${letter.subject}: ${issuesText(schemaIssues(parsed.error))}`;
}

/**
 * Sends the message of letter `seq` again and removes the letter.
 * @throws OoError OO_ERR_DEAD_LETTER_NOT_FOUND | OO_ERR_DEAD_LETTER_NOT_REPLAYABLE
 */
export async function replayDeadLetter(nats: Nats, seq: number): Promise<DeadLetterReplay> {
  const stored = await readDeadLetter(nats, seq);
  if (!stored) throw new OoError('OO_ERR_DEAD_LETTER_NOT_FOUND', `no dead letter at sequence ${seq}`);
  const { letter } = stored;
  const why = whyNotReplayable(letter);
  if (why) {
    throw new OoError(
      'OO_ERR_DEAD_LETTER_NOT_REPLAYABLE',
      `dead letter ${seq} cannot be sent again: ${why}`,
      {
        retryable: false,
      },
    );
  }

  const h = natsHeaders();
  for (const [key, values] of Object.entries(letter.headers)) {
    // The identity was redacted; the server's own headers (the old message id, expectations) stay behind.
    if (key === Headers.principal || key.toLowerCase().startsWith('nats-')) continue;
    for (const value of values) h.append(key, value);
  }
  h.set(Headers.replayOf, String(seq));
  h.set(Headers.msgId, `dlq-replay.${seq}`);
  const ack = await nats.publish(letter.subject, bodyBytes(letter), h);
  return {
    seq,
    subject: letter.subject,
    stream: ack.stream,
    streamSeq: ack.seq,
    duplicate: ack.duplicate,
    removed: await removed(nats, seq),
    traceId: letter.headers[Headers.traceId]?.[0],
  };
}

/** Whether the letter is out of the dead letters now (a concurrent replay may have taken it). */
async function removed(nats: Nats, seq: number): Promise<boolean> {
  try {
    await deleteDeadLetter(nats, seq);
    return true;
  } catch {
    return false;
  }
}
