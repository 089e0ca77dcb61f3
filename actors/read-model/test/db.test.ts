import { describe, expect, it } from 'vitest';
import { json } from '../src/db.js';

const stored = (value: unknown) => JSON.parse(json(value)!);

describe('read model - json parameters', () => {
  it('replaces a NUL and lone surrogates by U+FFFD, in values and keys', () => {
    expect(stored({ 'k\u0000': ['a\u0000b', '\ud800', 'x\udc00'] })).toEqual({
      'k\ufffd': ['a\ufffdb', '\ufffd', 'x\ufffd'],
    });
  });

  it('keeps text that merely looks like an escape, and a NUL after a backslash', () => {
    expect(stored(['\\u0000', '\\ud800', '\\\u0000', '\\\\u0000'])).toEqual([
      '\\u0000',
      '\\ud800',
      '\\\ufffd',
      '\\\\u0000',
    ]);
  });

  it('keeps surrogate pairs and other escapes', () => {
    expect(stored({ emoji: '\u{1F600}\ud83d\ude00', control: '\u0001\n"' })).toEqual({
      emoji: '\u{1F600}\ud83d\ude00',
      control: '\u0001\n"',
    });
  });

  it('binds undefined as SQL NULL', () => {
    expect(json(undefined)).toBeNull();
  });
});
