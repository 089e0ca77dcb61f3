/**
 * `Idempotency-Key` on POST /v1/requests: the same key and body within 24 h get the same 202 answer
 * and publish nothing new; the same key with another body is a 409.
 *
 * Two calls with one key racing each other are settled by JetStream: both publish with a
 * `Nats-Msg-Id` derived from (caller, key), the server keeps the first and reports the second as a
 * duplicate. The first remembers its answer in the read model; the second waits for that answer and
 * gives it back. So exactly one request is submitted and both callers see its id.
 */
import { createHash } from 'node:crypto';
import type { ReadModel, StoredResponse } from '@oo/read-model';
import { gatewayError } from './gateway-errors.js';
import { type Accepted, Accepted as AcceptedSchema } from './http-schemas.js';

/** How long an answer is kept for a repeated key (ms). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** How long a racing second call waits for the first one's answer (ms). */
const WINNER_WAIT_MS = 5_000;
const WINNER_POLL_MS = 50;

type Store = Pick<ReadModel, 'findResponse' | 'rememberResponse' | 'pruneResponses'>;

/** JSON with object keys sorted, so equal bodies hash equal whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function bodyHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The Nats-Msg-Id of a keyed submit: the same for every call with this caller and key. */
export function idempotentMsgId(principal: string, key: string): string {
  return `idem.${createHash('sha256').update(`${principal}\n${key}`).digest('hex')}`;
}

export interface IdempotencyStore {
  /**
   * The answer stored for (principal, key) when the body matches; undefined when the key is new.
   * @throws OoError OO_ERR_HTTP_IDEMPOTENCY_CONFLICT when the key was used with another body
   */
  find(principal: string, key: string, hash: string): Promise<Accepted | undefined>;
  /** Stores this call's answer; resolves with the answer stored (another call's, had it won a race). */
  remember(principal: string, key: string, hash: string, answer: Accepted): Promise<Accepted>;
  /**
   * After JetStream called this call's submit a duplicate: the first call's answer, once stored.
   * @throws OoError OO_ERR_HTTP_IDEMPOTENCY_CONFLICT (other body, or the first call has not answered yet)
   */
  awaitFirst(principal: string, key: string, hash: string): Promise<Accepted>;
}

export function idempotencyStore(store: Store, now: () => number = Date.now): IdempotencyStore {
  const answerOf = (stored: StoredResponse, key: string, hash: string): Accepted => {
    if (stored.bodyHash !== hash) {
      throw gatewayError(
        'OO_ERR_HTTP_IDEMPOTENCY_CONFLICT',
        'this Idempotency-Key was used before with a different body; use a new key for a new request',
        { idempotencyKey: key },
      );
    }
    return AcceptedSchema.parse(stored.response);
  };
  const current = async (principal: string, key: string) => {
    const stored = await store.findResponse(principal, key);
    if (!stored || now() - Date.parse(stored.createdAt) < IDEMPOTENCY_WINDOW_MS) return stored;
    // Expired: forget it (and every other expired one), so the key can be used again.
    await store.pruneResponses(new Date(now() - IDEMPOTENCY_WINDOW_MS));
    return undefined;
  };
  return {
    async find(principal, key, hash) {
      const stored = await current(principal, key);
      return stored ? answerOf(stored, key, hash) : undefined;
    },
    async remember(principal, key, hash, answer) {
      const stored = await store.rememberResponse({ principal, key, bodyHash: hash, response: answer });
      return answerOf(stored, key, hash);
    },
    async awaitFirst(principal, key, hash) {
      const deadline = now() + WINNER_WAIT_MS;
      for (;;) {
        const stored = await current(principal, key);
        if (stored) return answerOf(stored, key, hash);
        if (now() > deadline) {
          throw gatewayError(
            'OO_ERR_HTTP_IDEMPOTENCY_CONFLICT',
            'a request with this Idempotency-Key is still being taken in; retry in a few seconds',
            { idempotencyKey: key },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, WINNER_POLL_MS));
      }
    },
  };
}
