/**
 * Run retention against real KV buckets: a run that ended longer ago than it is kept goes, head and
 * segments (listed or not), leaving no marker; a run still running, one that ended recently and a
 * child run's segments stay. A pass reads only the heads last written before the cut-off.
 */
import type { RunStatus } from '@oo/contracts';
import type { JsonBucket } from '@oo/runtime';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startRunRetention } from '../src/run-retention.js';
import { RunSegment, RunState } from '../src/run-state.js';
import { countedReads } from './fixtures/counted-reads.js';
import { privateBuckets } from './fixtures/private-buckets.js';
import { runHead } from './fixtures/run-head.js';

const kv = privateBuckets('retention-test');

const KEEP_MS = 30 * 24 * 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function run(
  runId: string,
  status: RunStatus,
  finishedAt: number | undefined,
  segments: string[] = [],
): RunState {
  return runHead({
    runId,
    status,
    ...(segments.length > 0 ? { segments } : {}),
    updatedAt: iso(finishedAt ?? 0),
    ...(finishedAt === undefined ? {} : { finishedAt: iso(finishedAt) }),
  });
}

const segment: RunSegment = { a: { type: 'noop', status: 'succeeded', attempt: 1 } };

async function buckets() {
  const heads = await kv.fresh('heads', RunState);
  const segments = await kv.fresh('segments', RunSegment);
  const { counted, reads } = countedReads(heads);
  return { heads, counted, gets: reads.get, segments };
}

async function keys<T>(bucket: JsonBucket<T>): Promise<string[]> {
  const out: string[] = [];
  for await (const write of bucket.writtenSince(0)) out.push(write.key);
  return out.sort();
}

describe('engine run retention', () => {
  it('removes the runs that ended before the cut-off with all their segments, and nothing else', async () => {
    const { heads, counted, gets, segments } = await buckets();
    const writtenAt = Date.now();
    let now = writtenAt + KEEP_MS + 60_000;
    const longAgo = writtenAt - 3_600_000;
    const lately = now - 60_000; // ended a minute before `now`: within what is kept

    await heads.put('run_old', run('run_old', 'succeeded', longAgo, ['run_old.d1']));
    await segments.put('run_old.d1', segment);
    await segments.put('run_old.d2', segment); // an orphan: written, never listed by a head
    await segments.put('run_old.d3', segment);
    await segments.delete('run_old.d3'); // a marker of a segment deleted earlier
    await heads.put('run_old.t0', run('run_old.t0', 'succeeded', lately, ['run_old.t0.d4']));
    await segments.put('run_old.t0.d4', segment);
    await heads.put('run_failed', run('run_failed', 'failed', longAgo));
    await heads.put('run_parked', run('run_parked', 'running', undefined));
    await heads.put('run_lately', run('run_lately', 'cancelled', lately));

    const retention = startRunRetention({
      heads: counted,
      segments,
      log: pino({ level: 'silent' }),
      clock: { now: () => now, iso: () => iso(now) },
      keepMs: KEEP_MS,
      intervalMs: 3_600_000,
    });
    try {
      expect(await retention.pass()).toBe(2);
      expect(await keys(heads)).toEqual(['run_lately', 'run_old.t0', 'run_parked']);
      expect(await keys(segments)).toEqual(['run_old.t0.d4']);

      // Heads written after the cut-off are not read at all: their write time says enough.
      gets.length = 0;
      now = writtenAt + KEEP_MS - 60_000;
      expect(await retention.pass()).toBe(0);
      expect(gets).toEqual([]);
    } finally {
      await retention.stop();
    }
  });
});
