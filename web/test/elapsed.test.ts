import { describe, expect, it } from 'vitest';
import { elapsedText } from '../public/elapsed.js';

const now = Date.parse('2026-11-28T12:00:00.000Z');
const before = (ms: number) => new Date(now - ms).toISOString();

describe('web - how long ago, at a glance', () => {
  it('says seconds, minutes, hours and days, with the next unit down where it is not zero', () => {
    expect(elapsedText(before(4_900), now)).toBe('4 s');
    expect(elapsedText(before(59_999), now)).toBe('59 s');
    expect(elapsedText(before(60_000), now)).toBe('1 min');
    expect(elapsedText(before(12 * 60_000 + 30_000), now)).toBe('12 min');
    expect(elapsedText(before(3 * 3_600_000), now)).toBe('3 h');
    expect(elapsedText(before(3 * 3_600_000 + 5 * 60_000), now)).toBe('3 h 5 min');
    expect(elapsedText(before(2 * 86_400_000), now)).toBe('2 d');
    expect(elapsedText(before(2 * 86_400_000 + 4 * 3_600_000 + 59 * 60_000), now)).toBe('2 d 4 h');
  });

  it('reads a time ahead of the clock (another host) as just now, and nothing for no time', () => {
    expect(elapsedText(new Date(now + 1_500).toISOString(), now)).toBe('0 s');
    expect(elapsedText('not a time', now)).toBe('');
    expect(elapsedText(undefined, now)).toBe('');
    expect(elapsedText(null, now)).toBe('');
  });
});
