import { describe, expect, it } from 'vitest';
import { idSchema, idTime, newId, TraceId } from '../src/index.js';

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

  it('reads back the time an id was made at, and none from an id it did not make', () => {
    const at = Date.parse('2026-11-28T01:50:00.123Z');
    expect(idTime(newId('req', at))).toBe(at);
    expect(idTime(newId('run', 0))).toBe(0);
    for (const id of ['req_monitoring_0001', 'req_01M8FTY8', `req_${'U'.repeat(26)}`, 'nope']) {
      expect(idTime(id), id).toBeUndefined();
    }
  });

  it('accepts only W3C trace ids', () => {
    expect(TraceId.safeParse('4bf92f3577b34da6a3ce929d0e0e4736').success).toBe(true);
    expect(TraceId.safeParse('0'.repeat(32)).success).toBe(false);
    expect(TraceId.safeParse('XYZ').success).toBe(false);
  });
});
