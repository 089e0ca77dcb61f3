/** Time as actors see it; tests pass their own. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** RFC 3339 of now. */
  iso(): string;
}

// `toISOString` costs microseconds and a task's messages ask for it several times in the same
// millisecond: format each millisecond once.
let lastMs = Number.NaN;
let lastIso = '';

function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  iso: isoNow,
};
