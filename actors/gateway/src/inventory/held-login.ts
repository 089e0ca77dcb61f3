/**
 * The one login a client holds (vCenter's session id, APIC's token) and shares: concurrent calls wait
 * on one login, and a login the system no longer knows is replaced once, with the call repeated.
 */
import { raced } from './inventory-http.js';

/** What a read answers when the system refused the held login (vCenter 401, APIC 403). */
export const REFUSED: unique symbol = Symbol('login refused');

export interface HeldLogin {
  /**
   * `read` with the held login (logging in first when none is held); when it answers REFUSED, once
   * more with a new login. REFUSED when the new login is refused too. Throws the login's error, and
   * `signal.reason` as soon as `signal` aborts.
   */
  use<T>(
    signal: AbortSignal | undefined,
    read: (login: string) => Promise<T | typeof REFUSED>,
  ): Promise<T | typeof REFUSED>;
  /** The held login (waiting for one under way), forgotten: for a logout. */
  release(): Promise<string | undefined>;
}

export function heldLogin(login: () => Promise<string>): HeldLogin {
  let held: string | undefined;
  let pending: Promise<string> | undefined;

  /**
   * The held login, or the one in flight. It runs without any caller's signal, so one caller giving
   * up does not fail the others waiting on it; its calls are bounded by the client's timeoutMs.
   */
  function current(): Promise<string> {
    if (held !== undefined) return Promise.resolve(held);
    pending ??= login()
      .then((value) => {
        held = value;
        return value;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  return {
    async use(signal, read) {
      for (let attempt = 1; ; attempt++) {
        const value = await raced(current(), signal);
        const result = await read(value);
        if (result !== REFUSED) return result;
        // Forget the refused login unless a concurrent call has already replaced it.
        if (held === value) held = undefined;
        if (attempt === 2) return REFUSED;
      }
    },
    async release() {
      const value = held ?? (await pending?.catch(() => undefined));
      held = undefined;
      return value;
    },
  };
}
