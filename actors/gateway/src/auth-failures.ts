/**
 * Failed authentications per client address. The per-token rate limiter only sees callers that
 * authenticated, so without this a client could try tokens as fast as it likes: a brute force, and
 * one database lookup per well-shaped forgery.
 *
 * A fixed window per address opens at its first failure; once `perMinute` failures fall in it, every
 * call from that address that needs a token is refused until the window ends, before the token is
 * looked at (so without a database lookup), a valid token included: the address is blocked, not the
 * token. Successes neither count nor reset the count, so a client holding one good token cannot use
 * it to keep trying others.
 *
 * Kept in memory per gateway instance, at most MAX_ADDRESSES addresses: ended windows go first,
 * then the oldest. The address is `request.ip`: the TCP peer's, so behind a reverse proxy the
 * proxy's for every client, unless `trustProxy` names the proxy; then the client's it forwarded.
 */
import { OoError } from '@oo/contracts';

export interface AuthFailures {
  /**
   * Refuses `address` while its failures fill the window.
   * @throws OoError OO_ERR_AUTH_TOO_MANY_FAILURES with `retryAfterMs` until the window ends
   */
  check(address: string): void;
  /** Counts one failed authentication from `address`; true when it is the one that fills the window. */
  fail(address: string): boolean;
}

const WINDOW_MS = 60_000;
const MAX_ADDRESSES = 10_000;

interface Window {
  readonly start: number;
  failures: number;
}

/** `perMinute` = 0 turns the limit off. */
export function authFailures(perMinute: number, now: () => number = Date.now): AuthFailures {
  if (perMinute === 0) return { check() {}, fail: () => false };
  // Insertion order is window-start order (a new window is deleted and set again): the oldest first.
  const windows = new Map<string, Window>();

  const live = (address: string, t: number) => {
    const w = windows.get(address);
    if (w && t - w.start < WINDOW_MS) return w;
    if (w) windows.delete(address);
    return undefined;
  };

  return {
    check(address) {
      const t = now();
      const w = live(address, t);
      if (!w || w.failures < perMinute) return;
      const waitMs = w.start + WINDOW_MS - t;
      throw new OoError(
        'OO_ERR_AUTH_TOO_MANY_FAILURES',
        `more than ${perMinute} failed authentications per minute from this address; retry in ${Math.ceil(waitMs / 1000)} s`,
        { retryable: true, retryAfterMs: waitMs, details: { perMinute } },
      );
    },
    fail(address) {
      const t = now();
      let w = live(address, t);
      if (!w) {
        for (const [key, old] of windows) {
          if (windows.size < MAX_ADDRESSES && t - old.start < WINDOW_MS) break;
          windows.delete(key);
        }
        w = { start: t, failures: 0 };
        windows.set(address, w);
      }
      w.failures++;
      return w.failures === perMinute;
    },
  };
}
