/** Counters an instance reports in its presence entry. */
export interface ActorStats {
  inFlight: number;
  handled: number;
  failed: number;
  lastError: { code: string; message: string; at: string } | undefined;
}

export function newStats(): ActorStats {
  return { inFlight: 0, handled: 0, failed: 0, lastError: undefined };
}
