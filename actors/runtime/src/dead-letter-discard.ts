/**
 * Taking a dead letter out of the dead-letter stream: `oo dlq discard` (an operator judged it not worth
 * sending again), and a replay once its message went again (dead-letter-replay.ts).
 */
import { JetStreamApiError } from '@nats-io/jetstream';
import { OoError, StreamNames } from '@oo/contracts';
import type { Nats } from './connection.js';

/** Deletes letter `seq`; false when it was gone already. Other failures (NATS away) throw. */
export async function deleteDeadLetter(nats: Nats, seq: number): Promise<boolean> {
  try {
    return await nats.jsm.streams.deleteMessage(StreamNames.deadLetters, seq, false);
  } catch (err) {
    // No letter there: 10043 inside the stream, 10057 at or past its end.
    if (err instanceof JetStreamApiError && (err.code === 10043 || err.code === 10057)) return false;
    throw err;
  }
}

/**
 * Discards letter `seq`: its message is not sent again.
 * @throws OoError OO_ERR_DEAD_LETTER_NOT_FOUND when there is none
 */
export async function discardDeadLetter(nats: Nats, seq: number): Promise<void> {
  if (!(await deleteDeadLetter(nats, seq))) {
    throw new OoError('OO_ERR_DEAD_LETTER_NOT_FOUND', `no dead letter at sequence ${seq}`);
  }
}
