/**
 * Group commit for audit rows: entries that arrive while a write is in flight go together in the
 * next one, so under load the gateway writes one INSERT per batch instead of one per call (on
 * embedded PGlite each statement is a turn of a single-threaded engine). Each caller still waits
 * for the write that holds its entry.
 */
import type { AuditInput } from '@oo/read-model';

/** Past this many waiting entries the next write takes them in slices (a bounded statement). */
const MAX_BATCH = 500;

export interface AuditWriter {
  /** Resolves once the entry is stored; rejects with the write's error. */
  record(entry: AuditInput): Promise<void>;
}

export function auditWriter(write: (entries: readonly AuditInput[]) => Promise<void>): AuditWriter {
  let waiting: { entry: AuditInput; resolve(): void; reject(err: unknown): void }[] = [];
  let writing = false;

  const flush = async () => {
    writing = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, MAX_BATCH);
      waiting = waiting.slice(batch.length);
      try {
        await write(batch.map((w) => w.entry));
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    writing = false;
  };

  return {
    record(entry) {
      return new Promise((resolve, reject) => {
        waiting.push({ entry, resolve, reject });
        if (!writing) void flush();
      });
    },
  };
}
