/**
 * Principal tokens for the messages the gateway publishes. Signing one costs more than the rest of
 * a submit's CPU work, and every call of one API token asks for the same identity: a token minted
 * for it is reused for REUSE_MS, so each one still has most of its TTL_SECONDS ahead when an entry
 * point (which enforces expiry) verifies it.
 */
import type { Principal } from '@oo/contracts';
import type { PrincipalTokens } from '@oo/runtime';

const TTL_SECONDS = 300;
const REUSE_MS = 60_000;
const MAX_CACHED = 10_000;

export type MintPrincipal = (principal: Principal) => Promise<string>;

export function principalMinter(tokens: PrincipalTokens, now: () => number = Date.now): MintPrincipal {
  const minted = new Map<string, { token: string; at: number }>();
  return async (principal) => {
    const key = `${principal.tokenId ?? ''}\n${principal.role}\n${principal.sub}`;
    const hit = minted.get(key);
    if (hit && now() - hit.at < REUSE_MS) return hit.token;
    const token = await tokens.mint(principal, TTL_SECONDS);
    if (minted.size >= MAX_CACHED) minted.clear();
    minted.set(key, { token, at: now() });
    return token;
  };
}
