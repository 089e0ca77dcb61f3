// @ts-check
/**
 * Which listed token a token is: an API token is `oo_<id>_<secret>` (the id is `tok_` and 26
 * characters), so the page can tell the token it is signed in with from the others.
 */

/**
 * The id of `token`; undefined for anything not shaped like an API token.
 * @param {string | null | undefined} token
 * @returns {string | undefined}
 */
export function tokenIdOf(token) {
  return token?.match(/^oo_(tok_[0-9A-Za-z]{26})_/)?.[1];
}
