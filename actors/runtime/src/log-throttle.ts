/**
 * Keeps a flood of one kind of log line from drowning the log: a publisher sending garbage, or a
 * database away for an hour, would otherwise write a warning per message. The first `perWindow`
 * lines of a kind in a window are written; the rest are counted, and when the window ends one line
 * says how many were held back.
 */
import type { Logger } from 'pino';

export interface LogThrottle {
  /** Whether a line of `kind` may be written now; when not, it is counted for the window's summary. */
  allow(kind: string, log: Logger, fields: Record<string, unknown>): boolean;
  /** Writes the summaries of the windows still open (at stop). */
  flush(): void;
}

export interface LogThrottleOptions {
  /** Lines of one kind written per window. */
  readonly perWindow: number;
  readonly windowMs: number;
  readonly now?: () => number;
}

interface Window {
  readonly start: number;
  passed: number;
  held: number;
  /** Where the summary goes, from the first line held back. */
  summary?: { readonly log: Logger; readonly fields: Record<string, unknown> };
  timer?: NodeJS.Timeout;
}

export function logThrottle({ perWindow, windowMs, now = Date.now }: LogThrottleOptions): LogThrottle {
  const windows = new Map<string, Window>();

  const end = (kind: string, window: Window) => {
    clearTimeout(window.timer);
    if (windows.get(kind) === window) windows.delete(kind);
    if (window.held > 0 && window.summary) {
      const { log, fields } = window.summary;
      log.warn(
        { ...fields, kind, held: window.held, windowMs },
        `${window.held} more lines like the last were not written in the last ${windowMs / 1000} s`,
      );
    }
    window.held = 0;
  };

  return {
    allow(kind, log, fields) {
      const at = now();
      let window = windows.get(kind);
      if (window && at - window.start >= windowMs) {
        end(kind, window);
        window = undefined;
      }
      if (!window) {
        window = { start: at, passed: 0, held: 0 };
        windows.set(kind, window);
      }
      if (window.passed < perWindow) {
        window.passed++;
        return true;
      }
      window.held++;
      if (!window.summary) {
        const open = window;
        open.summary = { log, fields };
        open.timer = setTimeout(() => end(kind, open), Math.max(0, open.start + windowMs - at));
        open.timer.unref();
      }
      return false;
    },
    flush() {
      for (const [kind, window] of [...windows]) end(kind, window);
    },
  };
}
