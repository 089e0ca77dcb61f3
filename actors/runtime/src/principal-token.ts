/**
 * Signed principal tokens (JWS, HS256, jose): the gateway mints one per call into the
 * `oo-principal` header; actors verify it before acting. Tokens carried down a long workflow
 * outlive their expiry, so only entry points (the requests actor) enforce `exp`; every other
 * actor checks the signature alone — a forged or altered identity is refused everywhere.
 *
 * An entry point judges a token at the moment JetStream stored the message, not when it is
 * consumed: a command that waited in the stream (its consumer down, a backlog) was sent by a live
 * identity and stays valid however late it is read. A stolen token replayed later is stored again,
 * with a new server timestamp, and is refused once expired.
 */
import { Headers, OoError, Principal } from '@oo/contracts';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { ActorContext } from './actor-context.js';

const ISSUER = 'oo';

/** Default lifetime of a minted token (s). */
export const DEFAULT_PRINCIPAL_TTL_SECONDS = 300;
/** Default clock skew tolerated between the minting host, the NATS server and the verifier (s). */
export const DEFAULT_CLOCK_SKEW_SECONDS = 30;

export interface PrincipalTokenOptions {
  /** Lifetime of minted tokens when `mint` is given none (s; default 300). */
  ttlSeconds?: number;
  /** Slack on `exp`, `nbf` and `iat` for clocks that disagree (s; default 30). */
  clockSkewSeconds?: number;
}

export interface VerifyOptions {
  /** Check `exp`, `nbf` and `iat`; without it only the signature (and issuer) count. */
  enforceExpiry?: boolean;
  /**
   * The instant the token is judged at (ms since the epoch); default now. For a message, when
   * JetStream stored it (`verifyCaller` passes that).
   */
  at?: number;
}

export interface PrincipalTokens {
  /** Signs a principal for `ttlSeconds` (default the factory's `ttlSeconds`, else 300). */
  mint(principal: Principal, ttlSeconds?: number): Promise<string>;
  /**
   * Verifies and returns the principal.
   * @throws OoError OO_ERR_AUTH_INVALID (terminal: bad signature, malformed, or — when
   *   `enforceExpiry` — expired, not yet valid, or issued after `at`, each beyond the clock skew)
   */
  verify(token: string, options?: VerifyOptions): Promise<Principal>;
}

function invalid(message: string, cause?: unknown): OoError {
  return new OoError('OO_ERR_AUTH_INVALID', message, cause === undefined ? {} : { cause });
}

export function principalTokens(secret: string, options: PrincipalTokenOptions = {}): PrincipalTokens {
  if (secret.length < 32) {
    throw new OoError('OO_ERR_CONFIG_INVALID', 'auth.secret must be at least 32 characters');
  }
  const key = new TextEncoder().encode(secret);
  const defaultTtl = options.ttlSeconds ?? DEFAULT_PRINCIPAL_TTL_SECONDS;
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  return {
    async mint(principal, ttlSeconds = defaultTtl) {
      return new SignJWT({ role: principal.role, ...(principal.tokenId ? { tid: principal.tokenId } : {}) })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setSubject(principal.sub)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    async verify(token, verifyOptions = {}) {
      const at = new Date(verifyOptions.at ?? Date.now());
      let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
      try {
        ({ payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          algorithms: ['HS256'],
          currentDate: at,
          // Without enforcement, accept any expiry: the signature still proves who asked.
          clockTolerance: verifyOptions.enforceExpiry ? skew : Number.MAX_SAFE_INTEGER,
        }));
      } catch (err) {
        const expired = err instanceof joseErrors.JWTExpired;
        throw invalid(expired ? 'principal token expired' : 'principal token is not valid', err);
      }
      // jose checks `iat` only against a maximum age. A token issued after the instant it is
      // judged at (the message's store time) cannot be genuine, clock skew aside.
      if (
        verifyOptions.enforceExpiry &&
        typeof payload.iat === 'number' &&
        payload.iat > Math.floor(at.getTime() / 1000) + skew
      ) {
        throw invalid('principal token is not valid: issued after the message was stored');
      }
      return Principal.parse({
        sub: payload.sub,
        role: payload.role,
        ...(typeof payload.tid === 'string' ? { tokenId: payload.tid } : {}),
      });
    },
  };
}

/**
 * The verified principal of a delivery (its `oo-principal` header). With `enforceExpiry` (entry
 * points acting on a command for the first time) the token is judged at `ctx.publishedAt`, the
 * server's store time, so a command that waited in the stream is not refused for being read late.
 * @throws OoError OO_ERR_AUTH_MISSING | OO_ERR_AUTH_INVALID (terminal: the message is dead-lettered)
 */
export async function verifyCaller(
  tokens: PrincipalTokens,
  ctx: Pick<ActorContext, 'principal' | 'subject' | 'publishedAt'>,
  options: { enforceExpiry: boolean },
): Promise<Principal> {
  if (!ctx.principal) {
    throw new OoError('OO_ERR_AUTH_MISSING', `${ctx.subject} carries no ${Headers.principal} header`, {
      retryable: false,
    });
  }
  return tokens.verify(ctx.principal, {
    enforceExpiry: options.enforceExpiry,
    at: Date.parse(ctx.publishedAt),
  });
}
