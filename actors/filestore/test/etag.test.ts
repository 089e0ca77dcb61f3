import { describe, expect, it } from 'vitest';
import { etagOf, ifNoneMatchHits } from '../src/etag.js';

const file = { sha256: 'ab'.repeat(32) };

describe('filestore - entity tags', () => {
  it('writes the sha256 as a strong tag', () => {
    expect(etagOf(file)).toBe(`"sha256-${'ab'.repeat(32)}"`);
  });

  it('hits on the current tag among several, weak or strong', () => {
    expect(ifNoneMatchHits(`"x", W/${etagOf(file)}`, file)).toBe(true);
  });

  it('hits on * for an existing file', () => {
    expect(ifNoneMatchHits('*', file)).toBe(true);
  });

  it('misses on another tag or no header', () => {
    expect(ifNoneMatchHits('"sha256-00"', file)).toBe(false);
    expect(ifNoneMatchHits(undefined, file)).toBe(false);
  });
});
