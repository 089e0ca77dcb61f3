/**
 * The id of the request a command creates: the gateway's (header `oo-request-id`, so it could answer
 * 202 at once) or, for a plain NATS client, one derived from the message's place in the stream —
 * every redelivery of one message yields the same id, so a redelivery never makes a second request.
 */
import { createHash } from 'node:crypto';
import { Headers, newId, OoError } from '@oo/contracts';
import type { ActorContext } from '@oo/runtime';

/** Letters, digits, `_` and `-`, dot-separated: safe as a KV key, an object name and a file name. */
export const REQUEST_ID = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const MAX_LENGTH = 128;

export function isRequestId(value: string): boolean {
  return value.length <= MAX_LENGTH && REQUEST_ID.test(value);
}

/**
 * The request id for this delivery.
 * @throws OoError OO_ERR_MSG_SCHEMA (terminal) when the header holds an unusable id
 */
export function requestIdOf(
  ctx: Pick<ActorContext, 'requestId' | 'subject' | 'streamSeq' | 'publishedAt'>,
): string {
  if (ctx.requestId !== undefined) {
    if (!isRequestId(ctx.requestId)) {
      throw new OoError(
        'OO_ERR_MSG_SCHEMA',
        `header ${Headers.requestId} "${ctx.requestId.slice(0, MAX_LENGTH)}" must be up to ${MAX_LENGTH} letters, digits, _ - and inner dots`,
        { retryable: false, details: { header: Headers.requestId } },
      );
    }
    return ctx.requestId;
  }
  const seed = createHash('sha256').update(`${ctx.subject}#${ctx.streamSeq}#${ctx.publishedAt}`).digest();
  return newId('req', Date.parse(ctx.publishedAt), seed.subarray(0, 10));
}
