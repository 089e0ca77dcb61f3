// @ts-check
/**
 * The API token the user signed in with. Kept in sessionStorage: it lives as long as the tab,
 * is not sent anywhere but in the Authorization header of the UI's own calls, and is gone when the
 * tab closes or the user signs out.
 */

const KEY = 'oo.token';

/** @returns {string | null} */
export function token() {
  return sessionStorage.getItem(KEY);
}

/** @param {string} value */
export function signIn(value) {
  sessionStorage.setItem(KEY, value);
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}
