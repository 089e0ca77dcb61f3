import { describe, expect, it } from 'vitest';
import { exceedsUtf8Bytes } from '../src/index.js';

describe('contracts - exceedsUtf8Bytes', () => {
  it('counts UTF-8 bytes, not UTF-16 units', () => {
    expect(exceedsUtf8Bytes('abcd', 4)).toBe(false);
    expect(exceedsUtf8Bytes('abcde', 4)).toBe(true);
    // Two units, but é and € take 2 and 3 bytes: 5 in all.
    expect(exceedsUtf8Bytes('é€', 5)).toBe(false);
    expect(exceedsUtf8Bytes('é€', 4)).toBe(true);
    // An emoji is two units and four bytes.
    expect(exceedsUtf8Bytes('😀', 3)).toBe(true);
  });
});
