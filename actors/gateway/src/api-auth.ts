/**
 * Who is calling: `Authorization: Bearer <api token>`, looked up in the read model. The caller
 * becomes a Principal (`sub` = the token's name, its role, its id for the audit trail).
 *
 * A secret that is not the shape of a minted one is refused before the cache and the database, so
 * garbage costs no lookup; a well-shaped forgery still costs one (by primary key): only a change
 * of the token format (a checksum) could tell it apart without the database.
 *
 * A found token may be remembered for `cacheMs`, so a busy client is not a database read per call;
 * a revoked token is then refused within `cacheMs`. Unknown tokens are never cached. "Last used" is
 * written at most once per TOUCH_INTERVAL_MS per token, off the request's path.
 */
import { createHash } from 'node:crypto';
import { OoError, type Principal } from '@oo/contracts';
import { isTokenSecret, type ReadModel, TOUCH_INTERVAL_MS } from '@oo/read-model';
import type { Logger } from 'pino';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const MAX_CACHED = 10_000;

const invalid = (message: string) => new OoError('OO_ERR_AUTH_INVALID', message, { retryable: false });

export interface ApiAuth {
  /**
   * The principal an Authorization header names.
   * @throws OoError OO_ERR_AUTH_MISSING (no header) | OO_ERR_AUTH_INVALID (not Bearer, malformed, unknown or revoked)
   */
  authenticate(authorization: string | undefined): Promise<Principal>;
}

export interface ApiAuthOptions {
  readonly readModel: Pick<ReadModel, 'findTokenBySecret' | 'touchToken'>;
  readonly log: Logger;
  /** How long a found token is trusted without asking the database again (ms); 0 asks every time. */
  readonly cacheMs: number;
  readonly now?: () => number;
}

export function apiAuth(options: ApiAuthOptions): ApiAuth {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { principal: Principal; until: number }>();
  const touched = new Map<string, number>();

  const touch = (tokenId: string) => {
    const at = now();
    const last = touched.get(tokenId);
    if (last !== undefined && at - last < TOUCH_INTERVAL_MS) return;
    touched.set(tokenId, at);
    options.readModel
      .touchToken(tokenId)
      .catch((err: unknown) => options.log.warn({ err, tokenId }, 'token last-used time not written'));
  };

  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization === '') {
        throw new OoError('OO_ERR_AUTH_MISSING', 'send Authorization: Bearer <api token>', {
          retryable: false,
        });
      }
      const secret = BEARER.exec(authorization)?.[1];
      if (!secret) throw invalid('the Authorization header must be "Bearer <api token>"');
      if (!isTokenSecret(secret)) {
        throw invalid('the API token is malformed: an API token is oo_tok_<26 chars>_<43 chars>');
      }
      const key = createHash('sha256').update(secret).digest('base64url');
      const cached = cache.get(key);
      if (cached && cached.until > now()) {
        touch(cached.principal.tokenId!);
        return cached.principal;
      }
      const token = await options.readModel.findTokenBySecret(secret);
      if (!token) {
        cache.delete(key);
        throw invalid('the API token is unknown or revoked');
      }
      const principal: Principal = { sub: token.name, role: token.role, tokenId: token.id };
      if (options.cacheMs > 0) {
        if (cache.size >= MAX_CACHED) cache.clear();
        cache.set(key, { principal, until: now() + options.cacheMs });
      }
      touch(token.id);
      return principal;
    },
  };
}
