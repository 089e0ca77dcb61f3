/**
 * AWX list endpoints: `{count, next, previous, results}` with `next`/`previous` as **relative** paths
 * built from the request's own path and query (DRF's `replace_query_param`, which sorts the query),
 * `page` (1-based), `page_size` (default 25, capped at 200), exact-match filters, `__icontains`,
 * `order_by`, and `count_disabled=1`. Out-of-range pages answer 404 `{"detail": "Invalid page."}`.
 */
import { json, type SimRequest, type SimResponse } from './responses.js';

const PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 200;
const RESERVED = new Set(['page', 'page_size', 'order_by', 'count_disabled', 'format', 'search', 'limit']);

export interface ListOptions {
  /** `?limit=N` answers only `{results}` (job events only). */
  allowLimit?: boolean;
  /** Field the list is ordered by when the client names none (default `id`). */
  defaultOrder?: string;
}

export function paginate(
  req: SimRequest,
  objects: Record<string, unknown>[],
  options: ListOptions = {},
): SimResponse {
  const filtered = applyFilters(req.query, objects);
  if ('error' in filtered) return json(400, { detail: filtered.error });
  const ordered = order(filtered.items, req.query.get('order_by') ?? options.defaultOrder ?? 'id');

  const limit = req.query.get('limit');
  if (options.allowLimit && limit !== null && /^[0-9]+$/.test(limit)) {
    return json(200, { results: ordered.slice(0, Number(limit)) });
  }

  const pageSize = parsePageSize(req.query.get('page_size'));
  const rawPage = req.query.get('page') ?? '1';
  const page = /^[0-9]+$/.test(rawPage) ? Number(rawPage) : Number.NaN;
  const lastPage = Math.max(1, Math.ceil(ordered.length / pageSize));
  if (!Number.isInteger(page) || page < 1 || page > lastPage) return json(404, { detail: 'Invalid page.' });

  const results = ordered.slice((page - 1) * pageSize, page * pageSize);
  if (req.query.get('count_disabled') === '1') return json(200, { results });
  return json(200, {
    count: ordered.length,
    next: page < lastPage ? withPage(req.fullPath, page + 1) : null,
    previous: page > 1 ? withPage(req.fullPath, page - 1) : null,
    results,
  });
}

function parsePageSize(raw: string | null): number {
  if (raw === null || !/^[0-9]+$/.test(raw) || Number(raw) < 1) return PAGE_SIZE;
  return Math.min(Number(raw), MAX_PAGE_SIZE);
}

/** DRF: page 1 drops the `page` parameter; others replace it; the query comes back sorted. */
function withPage(fullPath: string, page: number): string {
  const q = fullPath.indexOf('?');
  const path = q < 0 ? fullPath : fullPath.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : fullPath.slice(q + 1));
  if (page === 1) params.delete('page');
  else params.set('page', String(page));
  params.sort();
  const query = params.toString();
  return query === '' ? path : `${path}?${query}`;
}

function applyFilters(
  query: URLSearchParams,
  objects: Record<string, unknown>[],
): { items: Record<string, unknown>[] } | { error: string } {
  let items = objects;
  for (const [key, value] of query) {
    if (RESERVED.has(key)) continue;
    const [field = key, lookup] = key.split('__', 2);
    // `organization__name=x`: a related object's name, read from summary_fields.
    const related = lookup === 'name';
    if (lookup !== undefined && !related && lookup !== 'icontains' && lookup !== 'exact') {
      return { error: `Unsupported lookup in simulator: ${key}` };
    }
    if (objects.length > 0 && !objects.some((o) => field in o)) {
      return { error: `Invalid field name: ${field}` };
    }
    items = items.filter((o) => {
      if (related) return relatedName(o, field) === value;
      const actual = scalar(o[field]);
      if (lookup === 'icontains') return actual.toLowerCase().includes(value.toLowerCase());
      return typeof o[field] === 'boolean' ? actual === value.toLowerCase() : actual === value;
    });
  }
  return { items };
}

function relatedName(o: Record<string, unknown>, field: string): string | undefined {
  const summary = o.summary_fields as Record<string, { name?: string } | undefined> | undefined;
  return summary?.[field]?.name;
}

/** How a field compares to a query value: ids as digits, booleans as `true`/`false`, null as `None`. */
function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  return String(value);
}

function order(items: Record<string, unknown>[], orderBy: string): Record<string, unknown>[] {
  const descending = orderBy.startsWith('-');
  const field = descending ? orderBy.slice(1) : orderBy;
  const sorted = [...items].sort((a, b) => compare(a[field], b[field]));
  return descending ? sorted.reverse() : sorted;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return scalar(a).localeCompare(scalar(b));
}
