/**
 * Counters an instance reports in its presence entry and on the metrics endpoint (metrics.ts). The
 * consumer loops count per subject; the instance's totals are summed from those when read.
 */
export class ActorStats {
  inFlight = 0;
  lastError: { code: string; message: string; at: string } | undefined;
  readonly subjects = new Map<string, SubjectStats>();

  /** Deliveries handled, every subject together. */
  get handled(): number {
    return this.total('handled');
  }

  /** Deliveries whose handler threw, every subject together. */
  get failed(): number {
    return this.total('failed');
  }

  /** Deliveries that ended in the dead-letter subject, every subject together. */
  get deadLettered(): number {
    return this.total('deadLettered');
  }

  private total(counter: 'handled' | 'failed' | 'deadLettered'): number {
    let sum = 0;
    for (const counts of this.subjects.values()) sum += counts[counter];
    return sum;
  }
}

/** Upper bounds (s) of the handler-duration histogram: 1 ms to 30 s, as tasks span that range. */
export const DURATION_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];

export interface SubjectStats {
  /** Deliveries the handler settled: acked, or parked with `again`. */
  handled: number;
  /** Deliveries whose handler threw (retried or dead-lettered after). */
  failed: number;
  /** Deliveries that ended in the dead-letter subject, refused unread or given up on. */
  deadLettered: number;
  /** Of `handled`, those parked with `again` (looked at later, not done). */
  deferred: number;
  /** Handler durations: count per bucket of DURATION_BUCKETS (not cumulative), then the rest. */
  readonly durations: number[];
  durationSum: number;
}

export function newStats(): ActorStats {
  return new ActorStats();
}

/** The counters of one subject, made on first use. */
export function subjectStats(stats: ActorStats, subject: string): SubjectStats {
  let found = stats.subjects.get(subject);
  if (!found) {
    found = {
      handled: 0,
      failed: 0,
      deadLettered: 0,
      deferred: 0,
      durations: new Array<number>(DURATION_BUCKETS.length + 1).fill(0),
      durationSum: 0,
    };
    stats.subjects.set(subject, found);
  }
  return found;
}

/** Counts one handler run of `seconds`. */
export function observeDuration(stats: SubjectStats, seconds: number): void {
  let i = 0;
  while (i < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[i] as number)) i++;
  stats.durations[i] = (stats.durations[i] ?? 0) + 1;
  stats.durationSum += seconds;
}
