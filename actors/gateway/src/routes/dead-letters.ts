/**
 * What actors could not handle, each with the reason: the dead-letter stream, oldest first, paged by
 * sequence; sending a letter again once its cause is fixed, or discarding it. Operators and admins (a
 * letter holds the body as it came; its identity token is redacted). Replays and discards are audited.
 */
import { whyNotReplayable } from '@oo/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit, authorize, callerOf, type GatewayDeps } from '../gateway-deps.js';
import {
  DeadLetterPage,
  DeadLetterParams,
  DeadLetterReplayed,
  DeadLettersQuery,
  problems,
} from '../http-schemas.js';

export const deadLetterRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.get(
    '/dead-letters',
    {
      schema: {
        summary: 'Messages an actor could not handle, with the reason',
        description:
          'Oldest first; `since` and `actor` narrow them, `after` pages on from `nextAfter`. Kept 30 days. ' +
          'Operators and admins.',
        tags: ['operations'],
        querystring: DeadLettersQuery,
        response: { 200: DeadLetterPage, ...problems(400, 401, 403, 429, 500, 503) },
      },
    },
    async (request) => {
      authorize(callerOf(request), 'readAll');
      const { actor, since, after, limit } = request.query;
      const page = await deps.deadLetters({
        actor,
        since: since === undefined ? undefined : new Date(since),
        afterSeq: after,
        limit,
      });
      return {
        items: page.letters.map(({ seq, letter }) => ({
          seq,
          ...letter,
          cannotReplay: whyNotReplayable(letter) ?? null,
        })),
        nextAfter: page.more ? (page.letters.at(-1)?.seq ?? null) : null,
      };
    },
  );

  app.post(
    '/dead-letters/:seq/replay',
    {
      schema: {
        summary: 'Send a dead letter again, once its cause is fixed',
        description:
          'Publishes the message again on its subject, with its headers (in its trace) but no caller token, ' +
          'and takes the letter out of the dead letters; if it fails again, a new letter is written. Refused ' +
          '(409 `OO_ERR_DEAD_LETTER_NOT_REPLAYABLE`) for a body cut to fit the letter, a subject OO does not publish, ' +
          'a body that still does not match its subject, and a command acting as its caller (submit, cancel, ' +
          'rerun: the caller sends it again). Replaying a letter twice within the duplicate window sends it ' +
          'once. Operators and admins; audited.',
        tags: ['operations'],
        params: DeadLetterParams,
        response: { 200: DeadLetterReplayed, ...problems(400, 401, 403, 404, 409, 429, 500, 503) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      authorize(caller, 'settleDeadLetters');
      const replayed = await deps.replayDeadLetter(request.params.seq);
      await audit(deps, {
        principal: caller.sub,
        action: 'dead-letter.replay',
        target: String(replayed.seq),
        ...(replayed.traceId ? { traceId: replayed.traceId } : {}),
        details: {
          subject: replayed.subject,
          streamSeq: replayed.streamSeq,
          duplicate: replayed.duplicate,
          tokenId: caller.tokenId ?? null,
        },
      });
      request.log.info(
        { seq: replayed.seq, subject: replayed.subject, by: caller.sub },
        'dead letter replayed',
      );
      return replayed;
    },
  );

  app.delete(
    '/dead-letters/:seq',
    {
      schema: {
        summary: 'Discard a dead letter without sending it again',
        description:
          'For a letter judged not worth sending (`oo dlq discard`). Operators and admins; audited.',
        tags: ['operations'],
        params: DeadLetterParams,
        response: { 204: z.null(), ...problems(400, 401, 403, 404, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      authorize(caller, 'settleDeadLetters');
      const { seq } = request.params;
      await deps.discardDeadLetter(seq);
      await audit(deps, {
        principal: caller.sub,
        action: 'dead-letter.discard',
        target: String(seq),
        details: { tokenId: caller.tokenId ?? null },
      });
      request.log.info({ seq, by: caller.sub }, 'dead letter discarded');
      return reply.code(204).send(null);
    },
  );
};
