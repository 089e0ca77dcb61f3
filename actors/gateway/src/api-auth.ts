/**
 * Who is calling: `Authorization: Bearer <api token>`, looked up in the read model. The caller
 * becomes a Principal (`sub` = the token's name, its role, its id for the audit trail).
 *
 * A found token may be remembered for `cacheMs`, so a busy client is not a database read per call;
 * a revoked token is then refused within `cacheMs`. Unknown tokens are never cached. "Last used" is
 * written at most once per TOUCH_INTERVAL_MS per token, off the request's path.
 */
import { createHash } from 'node:crypto';
import { OoError, type Principal } from '@oo/contracts';
import { type ReadModel, TOUCH_INTERVAL_MS } from '@oo/read-model';
import type { Logger } from 'pino';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const MAX_CACHED = 10_000;

export interface ApiAuth {
  /**
   * The principal an Authorization header names.
   * @throws OoError OO_ERR_AUTH_MISSING (no header) | OO_ERR_AUTH_INVALID (not Bearer, unknown or revoked)
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
      if (!secret) {
        throw new OoError('OO_ERR_AUTH_INVALID', 'the Authorization header must be "Bearer <api token>"', {
          retryable: false,
        });
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
        throw new OoError('OO_ERR_AUTH_INVALID', 'the API token is unknown or revoked', { retryable: false });
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
