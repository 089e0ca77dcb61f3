/** The request log the AWX, vCenter and APIC simulators keep for tests: newest last, the oldest dropped past a limit. */

export interface RequestFilter {
  /** Any case. */
  method?: string;
  /** Tested against the path and query; a string is a RegExp source. */
  path?: RegExp | string;
}

export interface RequestLog<T> {
  add(entry: T): void;
  /** Entries, oldest first, of one method and path when the filter names them. */
  find(filter?: RequestFilter): T[];
}

export function createRequestLog<T extends { method: string; path: string }>(limit = 10_000): RequestLog<T> {
  const entries: T[] = [];
  return {
    add(entry) {
      entries.push(entry);
      if (entries.length > limit) entries.shift();
    },
    find(filter = {}) {
      const path = typeof filter.path === 'string' ? new RegExp(filter.path) : filter.path;
      return entries.filter(
        (r) =>
          (filter.method === undefined || r.method === filter.method.toUpperCase()) &&
          (path === undefined || path.test(r.path)),
      );
    },
  };
}
