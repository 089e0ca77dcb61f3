/**
 * aaaLogin tokens: a login issues one for a user; every other call names it in the `APIC-cookie`
 * cookie. A token lives `timeoutSeconds` from its issue, used or not, as APIC's does: a client keeps
 * a session past that only by `aaaRefresh`, which issues a fresh token in its place.
 */
import { randomBytes } from 'node:crypto';

export interface SimToken {
  /** 64 base64url characters (APIC's are longer, opaque to clients either way). */
  readonly token: string;
  readonly user: string;
  readonly issuedMs: number;
}

export type Tokens = ReturnType<typeof createTokens>;

export function createTokens(options: { timeoutSeconds: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const live = new Map<string, SimToken>();
  let logins = 0;

  const expired = (t: SimToken, at: number): boolean => at - t.issuedMs > options.timeoutSeconds * 1000;
  const issue = (user: string): SimToken => {
    const token: SimToken = { token: randomBytes(48).toString('base64url'), user, issuedMs: now() };
    live.set(token.token, token);
    return token;
  };

  return {
    timeoutSeconds: options.timeoutSeconds,
    /** A new token for a user who logged in. */
    login(user: string): SimToken {
      logins += 1;
      return issue(user);
    },
    /** The live token with this value; undefined when unknown, logged out or timed out. */
    use(value: string | undefined): SimToken | undefined {
      if (value === undefined) return undefined;
      const token = live.get(value);
      if (token === undefined) return undefined;
      if (expired(token, now())) {
        live.delete(value);
        return undefined;
      }
      return token;
    },
    /** A fresh token in place of `token`, which ends. */
    refresh(token: SimToken): SimToken {
      live.delete(token.token);
      return issue(token.user);
    },
    revoke(token: SimToken): void {
      live.delete(token.token);
    },
    /** Ends every token, as a token timeout does. */
    expireAll(): void {
      live.clear();
    },
    /** Successful aaaLogin calls since start (refreshes not counted). */
    logins: (): number => logins,
    /** Tokens neither logged out nor timed out. */
    live(): number {
      const at = now();
      return [...live.values()].filter((t) => !expired(t, at)).length;
    },
  };
}
