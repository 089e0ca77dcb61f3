import { describe, expect, it } from 'vitest';
import { rateLimiter } from '../src/rate-limit.js';

describe('rate limit', () => {
  it('allows a minute’s worth at once, then refills at the steady rate', () => {
    let now = 0;
    const limiter = rateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) limiter.take('tok_1');
    expect(() => limiter.take('tok_1')).toThrow(
      expect.objectContaining({ code: 'OO_ERR_HTTP_RATE_LIMITED' }),
    );
    now = 1_000;
    expect(() => limiter.take('tok_1')).not.toThrow();
    expect(() => limiter.take('tok_1')).toThrow();
  });

  it('says how long to wait', () => {
    const limiter = rateLimiter(6, () => 0);
    for (let i = 0; i < 6; i++) limiter.take('tok_1');
    try {
      limiter.take('tok_1');
      expect.unreachable();
    } catch (err) {
      expect((err as { retryAfterMs: number }).retryAfterMs).toBe(10_000);
    }
  });

  it('counts each token on its own', () => {
    const limiter = rateLimiter(1, () => 0);
    limiter.take('tok_1');
    expect(() => limiter.take('tok_2')).not.toThrow();
  });
});
