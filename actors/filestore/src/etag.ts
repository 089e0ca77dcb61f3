/** Entity tags from content hashes: `"sha256-<hex>"`, strong, the same for the same bytes anywhere. */
import type { StoredFile } from '@oo/runtime';

export function etagOf(file: Pick<StoredFile, 'sha256'>): string {
  return `"sha256-${file.sha256}"`;
}

/**
 * RFC 9110 If-None-Match: true when the header names the current tag (weak comparison, as the
 * RFC asks for GET/HEAD) or is `*` for an existing file.
 */
export function ifNoneMatchHits(header: string | undefined, file: Pick<StoredFile, 'sha256'>): boolean {
  if (header === undefined) return false;
  const current = etagOf(file);
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === current);
}
