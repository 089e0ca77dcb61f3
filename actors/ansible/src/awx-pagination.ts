/**
 * Walking AWX list endpoints: follows each page's relative `next` link until it is null, validating
 * every item. Reads are retried by the transport; the walk itself never restarts.
 */
import type { z } from 'zod';
import { badResponse } from './awx-errors.js';
import type { AwxHttp } from './awx-http.js';
import { paginated } from './awx-schemas.js';

export interface PageWalk {
  /** Below the API root, e.g. `jobs/7/job_events/`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** Stop after this many pages (default: follow every `next`). */
  maxPages?: number;
  signal?: AbortSignal;
}

export async function* walkPages<T extends z.ZodType>(
  http: AwxHttp,
  item: T,
  walk: PageWalk,
): AsyncGenerator<z.infer<T>, void, undefined> {
  const schema = paginated(item);
  let path: string | undefined = walk.path;
  let query = walk.query;
  for (let page = 1; path !== undefined && page <= (walk.maxPages ?? Number.POSITIVE_INFINITY); page++) {
    const raw = await http.json({
      method: 'GET',
      path,
      ...(query === undefined ? {} : { query }),
      ...(walk.signal === undefined ? {} : { signal: walk.signal }),
    });
    const body: { next?: string | null; results: z.infer<T>[] } = parseWith(schema, raw, {
      method: 'GET',
      path,
    });
    for (const result of body.results) yield result;
    // `next` already carries the query of the first request.
    path = body.next === null || body.next === undefined ? undefined : http.link(body.next);
    query = undefined;
  }
}

/** Validates an AWX answer; a mismatch is OO_ERR_AWX_BAD_RESPONSE naming the first bad field. */
export function parseWith<T extends z.ZodType>(
  schema: T,
  raw: unknown,
  label: { method: string; path: string },
): z.infer<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
  throw badResponse(label, `an unexpected shape${where}`, result.error);
}
