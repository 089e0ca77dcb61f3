/**
 * `page[number]` / `page[size]` pagination (tfe-api.md §1.1): default size 20, at most 100, absolute
 * `links` and `meta.pagination`. Out-of-range numbers are clamped rather than refused.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageLinks {
  readonly self: string;
  readonly first: string;
  readonly prev: string | null;
  readonly next: string | null;
  readonly last: string;
}

export interface PaginationMeta {
  readonly 'current-page': number;
  readonly 'prev-page': number | null;
  readonly 'next-page': number | null;
  readonly 'total-pages': number;
  readonly 'total-count': number;
  readonly 'page-size': number;
}

export interface Page<T> {
  readonly items: T[];
  readonly links: PageLinks;
  readonly meta: { pagination: PaginationMeta };
}

/** One page of `items` for the request `url` (absolute, as the client sent it). */
export function paginate<T>(items: readonly T[], url: URL): Page<T> {
  const size = clamp(intParam(url, 'page[size]') ?? DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  const totalPages = Math.max(1, Math.ceil(items.length / size));
  const current = clamp(intParam(url, 'page[number]') ?? 1, 1, totalPages);
  const prev = current > 1 ? current - 1 : null;
  const next = current < totalPages ? current + 1 : null;
  const link = (page: number): string => {
    const target = new URL(url);
    target.searchParams.set('page[number]', String(page));
    target.searchParams.set('page[size]', String(size));
    return target.toString();
  };
  return {
    items: items.slice((current - 1) * size, current * size),
    links: {
      self: link(current),
      first: link(1),
      prev: prev === null ? null : link(prev),
      next: next === null ? null : link(next),
      last: link(totalPages),
    },
    meta: {
      pagination: {
        'current-page': current,
        'prev-page': prev,
        'next-page': next,
        'total-pages': totalPages,
        'total-count': items.length,
        'page-size': size,
      },
    },
  };
}

function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
