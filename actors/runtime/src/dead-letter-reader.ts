/**
 * Reading dead letters back (`oo dlq`): what actors could not handle, with the reason, as
 * dead-letter.ts stored them in the dead-letter stream. Sending one again is dead-letter-replay.ts.
 */
import { DeliverPolicy, JetStreamApiError } from '@nats-io/jetstream';
import { DeadLetter, deadLetterSubjectName, OoError, StreamNames } from '@oo/contracts';
import type { Nats } from './connection.js';

export interface StoredDeadLetter {
  /** Its sequence in the dead-letter stream: what `oo dlq show` takes. */
  readonly seq: number;
  readonly letter: DeadLetter;
}

export interface DeadLetterQuery {
  /** Only this actor's letters (`oo.dlq.<actor>`); all when absent. */
  readonly actor?: string | undefined;
  /** Letters stored at or after this time. */
  readonly since?: Date | undefined;
  /** Letters after this sequence (paging on from an earlier answer); wins over `since`. */
  readonly afterSeq?: number | undefined;
  /** At most this many, oldest first. */
  readonly limit: number;
}

export interface DeadLetterPage {
  readonly letters: StoredDeadLetter[];
  /** More letters match after the last one given: ask again with `afterSeq` its `seq`. */
  readonly more: boolean;
}

/** A waiting fetch ends this long after the last letter there was (ms). */
const FETCH_EXPIRES_MS = 1_000;

const decoder = new TextDecoder();

function parsed(seq: number, data: Uint8Array): StoredDeadLetter {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch {
    json = undefined;
  }
  const letter = DeadLetter.safeParse(json);
  if (!letter.success) {
    throw new OoError(
      'OO_ERR_MSG_SCHEMA',
      `dead letter ${seq} is not one OO wrote (${letter.error.message})`,
    );
  }
  return { seq, letter: letter.data };
}

/** An actor name as a subject token: no wildcard, no dot, no space. */
export const ACTOR_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The letters a query asks for, oldest first.
 * @throws OoError OO_ERR_CONFIG_INVALID for an actor name that is not one subject token
 */
export async function readDeadLetters(nats: Nats, query: DeadLetterQuery): Promise<DeadLetterPage> {
  if (query.actor !== undefined && !ACTOR_NAME.test(query.actor)) {
    throw new OoError('OO_ERR_CONFIG_INVALID', `an actor name is 1-64 of A-Z a-z 0-9 _ -: ${query.actor}`);
  }
  const filter = query.actor ? deadLetterSubjectName(query.actor) : 'oo.dlq.>';
  // The stream's count for the filter first: an ordered consumer with nothing to deliver would
  // only end when its fetch expires.
  const info = await nats.jsm.streams.info(StreamNames.deadLetters, { subjects_filter: filter });
  const matching = Object.values(info.state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
  if (matching === 0 || (query.afterSeq !== undefined && query.afterSeq >= info.state.last_seq)) {
    return { letters: [], more: false };
  }
  const start =
    query.afterSeq !== undefined
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: query.afterSeq + 1 }
      : query.since
        ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: query.since.toISOString() }
        : { deliver_policy: DeliverPolicy.All };
  const consumer = await nats.js.consumers.get(StreamNames.deadLetters, {
    filter_subjects: filter,
    ...start,
  });
  // One more than asked: whether there are more is whether it came.
  const messages = await consumer.fetch({ max_messages: query.limit + 1, expires: FETCH_EXPIRES_MS });
  const letters: StoredDeadLetter[] = [];
  let more = false;
  for await (const msg of messages) {
    if (letters.length === query.limit) {
      more = true;
      break;
    }
    letters.push(parsed(msg.seq, msg.data));
    if (msg.info.pending === 0) break;
  }
  return { letters, more };
}

/**
 * One letter by its sequence; undefined when the stream holds none there.
 * @throws OoError OO_ERR_MSG_SCHEMA when what is there is not a letter OO wrote
 */
export async function readDeadLetter(nats: Nats, seq: number): Promise<StoredDeadLetter | undefined> {
  try {
    const msg = await nats.jsm.streams.getMessage(StreamNames.deadLetters, { seq });
    return msg ? parsed(seq, msg.data) : undefined;
  } catch (err) {
    // 10037: no message at that sequence.
    if (err instanceof JetStreamApiError && err.code === 10037) return undefined;
    throw err;
  }
}
