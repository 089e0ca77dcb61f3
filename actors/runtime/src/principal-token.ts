/**
 * Signed principal tokens (JWS, HS256, jose): the gateway mints one per call into the
 * `oo-principal` header; actors verify it before acting. Tokens carried down a long workflow
 * outlive their expiry, so only entry points (the requests actor) enforce `exp`; every other
 * actor checks the signature alone — a forged or altered identity is refused everywhere.
 */
import { OoError, Principal } from '@oo/contracts';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'oo';

export interface PrincipalTokens {
  /** Signs a principal for `ttlSeconds` (default 300). */
  mint(principal: Principal, ttlSeconds?: number): Promise<string>;
  /**
   * Verifies and returns the principal.
   * @throws OoError OO_ERR_AUTH_INVALID (bad signature, malformed, or expired when `enforceExpiry`)
   */
  verify(token: string, options?: { enforceExpiry?: boolean }): Promise<Principal>;
}

export function principalTokens(secret: string): PrincipalTokens {
  if (secret.length < 32) {
    throw new OoError('OO_ERR_CONFIG_INVALID', 'auth.secret must be at least 32 characters');
  }
  const key = new TextEncoder().encode(secret);
  return {
    async mint(principal, ttlSeconds = 300) {
      return new SignJWT({ role: principal.role, ...(principal.tokenId ? { tid: principal.tokenId } : {}) })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setSubject(principal.sub)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    async verify(token, options = {}) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          algorithms: ['HS256'],
          // Without enforcement, accept any expiry: the signature still proves who asked.
          ...(options.enforceExpiry ? {} : { clockTolerance: Number.MAX_SAFE_INTEGER }),
        });
        return Principal.parse({
          sub: payload.sub,
          role: payload.role,
          ...(typeof payload.tid === 'string' ? { tokenId: payload.tid } : {}),
        });
      } catch (err) {
        const expired = err instanceof joseErrors.JWTExpired;
        throw new OoError(
          'OO_ERR_AUTH_INVALID',
          expired ? 'principal token expired' : 'principal token is not valid',
          {
            cause: err,
          },
        );
      }
    },
  };
}
