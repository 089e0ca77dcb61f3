/**
 * `awx.job_output`: the tail of a job's output and a summary of its events (how many of each kind,
 * how many failed or changed something). Reads only; safe to repeat.
 */
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import type { AwxAccess } from '../awx-access.js';
import { lastLines } from '../line-tail.js';

/** Events read at most for the summary; a bigger job's summary says `truncated`. */
export const MAX_SUMMARY_EVENTS = 2_000;

export const JobOutputInput = z
  .object({
    jobId: z.number().int().positive(),
    /** Lines of output kept (default 40). */
    lines: z.number().int().min(1).max(1_000).default(40),
  })
  .strict();

export const JobOutputOutput = z
  .object({
    jobId: z.number().int().positive(),
    stdoutTail: z.string(),
    events: z
      .object({
        /** Events read (at most MAX_SUMMARY_EVENTS). */
        count: z.number().int(),
        failed: z.number().int(),
        changed: z.number().int(),
        /** Events by AWX event name (`runner_on_ok`, `runner_on_failed`, ...). */
        byEvent: z.record(z.string(), z.number().int()),
        truncated: z.boolean(),
      })
      .strict(),
  })
  .strict();

export function jobOutputTask(awx: AwxAccess) {
  return defineTask({
    type: 'awx.job_output',
    description: 'Reads the tail of an AWX job’s output and summarises its events.',
    input: JobOutputInput,
    output: JobOutputOutput,
    retry: { maxAttempts: 5, backoffMs: 2_000, maxBackoffMs: 30_000 },
    async run(ctx, input) {
      const client = awx.client();
      const call = { signal: ctx.signal };
      const stdoutTail = lastLines(await client.jobStdout(input.jobId, call), input.lines);
      const byEvent: Record<string, number> = {};
      let count = 0;
      let failed = 0;
      let changed = 0;
      let truncated = false;
      for await (const event of client.jobEvents(input.jobId, call)) {
        if (count === MAX_SUMMARY_EVENTS) {
          truncated = true;
          break;
        }
        count++;
        byEvent[event.event] = (byEvent[event.event] ?? 0) + 1;
        if (event.failed) failed++;
        if (event.changed) changed++;
      }
      return { jobId: input.jobId, stdoutTail, events: { count, failed, changed, byEvent, truncated } };
    },
  });
}
