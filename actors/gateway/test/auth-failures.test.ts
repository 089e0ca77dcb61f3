import { describe, expect, it } from 'vitest';
import { authFailures } from '../src/auth-failures.js';

const refusal = expect.objectContaining({ code: 'OO_ERR_AUTH_TOO_MANY_FAILURES' });

describe('auth failures', () => {
  it('refuses an address once its failures fill the window, until the window that began with the first ends', () => {
    let now = 0;
    const limit = authFailures(3, () => now);
    expect(limit.fail('10.0.0.1')).toBe(false);
    now = 20_000;
    expect(limit.fail('10.0.0.1')).toBe(false);
    limit.check('10.0.0.1');
    expect(limit.fail('10.0.0.1')).toBe(true);
    expect(() => limit.check('10.0.0.1')).toThrow(refusal);
    now = 59_999;
    expect(() => limit.check('10.0.0.1')).toThrow(refusal);
    now = 60_000;
    expect(() => limit.check('10.0.0.1')).not.toThrow();
  });

  it('says how long to wait: the rest of the window', () => {
    let now = 0;
    const limit = authFailures(2, () => now);
    limit.fail('10.0.0.1');
    now = 15_000;
    limit.fail('10.0.0.1');
    try {
      limit.check('10.0.0.1');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ retryable: true, retryAfterMs: 45_000 });
    }
  });

  it('counts each address on its own', () => {
    const limit = authFailures(1, () => 0);
    limit.fail('10.0.0.1');
    expect(() => limit.check('10.0.0.1')).toThrow(refusal);
    expect(() => limit.check('10.0.0.2')).not.toThrow();
  });

  it('never refuses with a limit of 0', () => {
    const limit = authFailures(0, () => 0);
    for (let i = 0; i < 100; i++) expect(limit.fail('10.0.0.1')).toBe(false);
    expect(() => limit.check('10.0.0.1')).not.toThrow();
  });

  it('stays bounded under a spray of addresses, forgetting the oldest first', () => {
    let now = 0;
    const limit = authFailures(1, () => now);
    limit.fail('10.0.0.1');
    // Ten thousand more addresses, each failing once, all within the first address's window.
    for (let i = 0; i < 10_000; i++) {
      now = 1 + i;
      limit.fail(`spray-${i}`);
    }
    // The oldest was dropped to make room; the newest are still refused.
    expect(() => limit.check('10.0.0.1')).not.toThrow();
    expect(() => limit.check('spray-9999')).toThrow(refusal);
    expect(() => limit.check('spray-1')).toThrow(refusal);
  });
});
