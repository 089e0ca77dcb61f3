import { describe, expect, it } from 'vitest';
import { unstorableStrings } from '../src/storable-text.js';

describe('storable text', () => {
  it('names each string holding a NUL or a surrogate without its pair, by path', () => {
    const body = { notes: 'a\u0000b', resources: [{ tags: { x: '\ud800' } }], reason: '\udc00\ud83d' };
    expect(unstorableStrings(body)).toEqual(
      expect.arrayContaining([
        { path: ['notes'], message: 'must not contain U+0000 (NUL)' },
        { path: ['resources', '0', 'tags', 'x'], message: expect.stringContaining('surrogate') },
        { path: ['reason'], message: expect.stringContaining('surrogate') },
      ]),
    );
  });

  it('takes any other text, emoji and right-to-left overrides included', () => {
    expect(unstorableStrings({ notes: '\u{1F600} \u202e \ud83d\ude00 \u0001', n: 1, b: null })).toEqual([]);
  });

  it('walks a body nested 100,000 levels deep and stops after 100 problems', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableStrings(deep)).toEqual([
      { path: Array(100_000).fill('0'), message: expect.any(String) },
    ]);
    expect(unstorableStrings(Array(1_000).fill('\u0000'))).toHaveLength(100);
  });
});
