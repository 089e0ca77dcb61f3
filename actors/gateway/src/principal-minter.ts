/**
 * Principal tokens for the messages the gateway publishes. Signing one costs more than the rest of
 * a submit's CPU work, and every call of one API token asks for the same identity: a token minted
 * for it is reused for a fifth of its lifetime (at most a minute). An entry point judges the token
 * at the time the message was stored, so a reused token is live when it counts.
 */
import type { Principal } from '@oo/contracts';
import type { PrincipalTokens } from '@oo/runtime';

const MAX_REUSE_MS = 60_000;
const MAX_CACHED = 10_000;

export type MintPrincipal = (principal: Principal) => Promise<string>;

export interface MinterOptions {
  /** Lifetime of each token (s). */
  ttlSeconds: number;
  now?: () => number;
}

export function principalMinter(tokens: PrincipalTokens, options: MinterOptions): MintPrincipal {
  const { ttlSeconds, now = Date.now } = options;
  const reuseMs = Math.min(MAX_REUSE_MS, (ttlSeconds * 1000) / 5);
  const minted = new Map<string, { token: string; at: number }>();
  return async (principal) => {
    const key = `${principal.tokenId ?? ''}\n${principal.role}\n${principal.sub}`;
    const hit = minted.get(key);
    if (hit && now() - hit.at < reuseMs) return hit.token;
    const token = await tokens.mint(principal, ttlSeconds);
    if (minted.size >= MAX_CACHED) minted.clear();
    minted.set(key, { token, at: now() });
    return token;
  };
}
