/**
 * Which database failures are worth waiting out. The ledger parks a message and tries again later
 * for these (nothing is lost while PostgreSQL restarts or a connection is killed); anything else is
 * a real fault and goes through the normal retry-then-dead-letter path.
 */

/** SQLSTATE classes and codes that mean "the server or the connection, not this statement". */
const TRANSIENT_SQLSTATE = [
  /^08/, // connection exception
  /^53/, // insufficient resources (too many connections, out of memory, disk full)
  /^57P0[1-4]$/, // admin / crash shutdown, cannot connect now, database dropped
  /^40001$/, // serialization failure
  /^40P01$/, // deadlock detected
  /^55P03$/, // lock not available
];

const TRANSIENT_NODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// `pg` raises these without any code; their text is all there is to go on.
const TRANSIENT_PG_MESSAGE =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Client was closed/i;

export function isTransientDbError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (TRANSIENT_NODE.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE.some((re) => re.test(code));
  }
  return typeof message === 'string' && code === undefined && TRANSIENT_PG_MESSAGE.test(message);
}
