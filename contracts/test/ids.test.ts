import { describe, expect, it } from 'vitest';
import { idSchema, newId, TraceId } from '../src/index.js';

describe('contracts - ids', () => {
  it('makes ids that sort by creation time', () => {
    const a = newId('req', 1_000);
    const b = newId('req', 2_000);
    expect(a < b).toBe(true);
    expect(idSchema('req').safeParse(a).success).toBe(true);
    expect(idSchema('run').safeParse(a).success).toBe(false);
  });

  it('is deterministic for a given time and randomness', () => {
    const random = new Uint8Array(10).fill(7);
    expect(newId('run', 42, random)).toBe(newId('run', 42, random));
  });

  it('accepts only W3C trace ids', () => {
    expect(TraceId.safeParse('4bf92f3577b34da6a3ce929d0e0e4736').success).toBe(true);
    expect(TraceId.safeParse('0'.repeat(32)).success).toBe(false);
    expect(TraceId.safeParse('XYZ').success).toBe(false);
  });
});
