/**
 * NATS client failures that mean "the server is not reachable now" (restarting, a lost connection
 * the client is reconnecting) rather than "broken": what to answer 503 or try again later for, not
 * to report as a fault. By the errors' names, as @nats-io/nats-core sets them.
 */
const UNREACHABLE = new Set([
  'TimeoutError',
  'ClosedConnectionError',
  'DrainingConnectionError',
  'ConnectionError',
  'NoResponders',
]);

export function isNatsUnreachable(err: unknown): boolean {
  return err instanceof Error && UNREACHABLE.has(err.name);
}
