/** Options every client call accepts. */
export interface CallOptions {
  /** Aborts the call (and any retry wait) with OO_ERR_CANCELLED. */
  readonly signal?: AbortSignal;
}

/** Options of the calls that poll until a condition holds. */
export interface WaitOptions extends CallOptions {
  /** Delay between polls (ms). Default 2_000, as go-tfe polls. */
  readonly intervalMs?: number;
  /** Give up with OO_ERR_TIMEOUT after this long (ms). Default 30 minutes. */
  readonly timeoutMs?: number;
}
