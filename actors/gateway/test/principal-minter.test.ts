import { type PrincipalTokens, principalTokens } from '@oo/runtime';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { principalMinter } from '../src/principal-minter.js';

const tokens = principalTokens('gateway-minter-secret-0123456789-abcdef');
const olga = { sub: 'olga', role: 'operator' } as const;

describe('gateway - principal minter', () => {
  it('mints tokens of the configured lifetime and reuses one for a fifth of it', async () => {
    const lifetimes: number[] = [];
    const recording: PrincipalTokens = {
      ...tokens,
      async mint(principal, ttlSeconds) {
        lifetimes.push(ttlSeconds ?? -1);
        return tokens.mint(principal, ttlSeconds);
      },
    };
    let now = 1_000_000;
    const mint = principalMinter(recording, { ttlSeconds: 10, now: () => now });
    const claims = decodeJwt(await mint(olga));
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(10);
    now += 1_999;
    await mint(olga);
    expect(lifetimes).toEqual([10]);
    now += 1;
    await mint(olga);
    expect(lifetimes).toEqual([10, 10]);
  });
});
