/**
 * `awx.wait_job`: waits for an AWX job to end, one poll per delivery: a job still going (or whose
 * events AWX is still storing) parks the task with `ctx.again(pollMs)`, so a day-long job costs a
 * parked message, not a promise. `successful` is the output; `failed` / `error` / `canceled` are
 * terminal errors carrying the last lines of the job's output. When the run ends while the task is
 * in flight, `onCancel` asks AWX to cancel the job.
 */
import { OoError } from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import type { AwxAccess } from '../awx-access.js';
import type { AwxClient } from '../awx-client.js';
import { type AwxJob, isTerminalStatus } from '../awx-schemas.js';
import { lastLines } from '../line-tail.js';

/** Lines of output kept in a failed job's error. */
export const FAILURE_TAIL_LINES = 40;

export const WaitJobInput = z
  .object({
    jobId: z.number().int().positive(),
    /** Between two polls (ms); the runner's configured interval when absent. */
    pollMs: z.number().int().min(10).max(600_000).optional(),
  })
  .strict();

export const WaitJobOutput = z
  .object({
    jobId: z.number().int().positive(),
    status: z.literal('successful'),
    /** Run time in AWX (s). */
    elapsed: z.number(),
    started: z.string().nullable(),
    finished: z.string().nullable(),
    /** What the playbook published with set_stats. */
    artifacts: z.unknown().optional(),
    /** Hosts by outcome (`ok`, `changed`, `failures`, `dark`, `skipped`). */
    hostStatusCounts: z.record(z.string(), z.number()).nullable().optional(),
  })
  .strict();

export function waitJobTask(awx: AwxAccess) {
  return defineTask({
    type: 'awx.wait_job',
    description: 'Polls an AWX job until it ends (parked between polls); fails with its output tail.',
    input: WaitJobInput,
    output: WaitJobOutput,
    // Reads are retried inside the client first; these cover an AWX outage of a few minutes.
    retry: { maxAttempts: 8, backoffMs: 2_000, maxBackoffMs: 60_000 },
    async run(ctx, input) {
      const client = awx.client();
      const job = await client.getJob(input.jobId, { signal: ctx.signal });
      // Stdout is complete only once AWX has stored every event.
      const ended = isTerminalStatus(job.status) && job.event_processing_finished !== false;
      if (!ended) return ctx.again(input.pollMs ?? awx.pollMs);
      if (job.status === 'successful') {
        ctx.log.info({ jobId: job.id, elapsed: job.elapsed }, 'AWX job successful');
        return {
          jobId: job.id,
          status: 'successful' as const,
          elapsed: job.elapsed,
          started: job.started,
          finished: job.finished,
          ...(job.artifacts === undefined ? {} : { artifacts: job.artifacts }),
          ...(job.host_status_counts === undefined ? {} : { hostStatusCounts: job.host_status_counts }),
        };
      }
      throw await jobEndedBadly(client, job, ctx.signal);
    },
    async onCancel(ctx, input) {
      const accepted = await awx.client().cancelJob(input.jobId, { signal: ctx.signal });
      ctx.log.info({ jobId: input.jobId, accepted }, 'AWX job cancel requested: its run ended');
    },
  });
}

/** The terminal error for a job that ended failed, error or canceled, with its output's tail. */
async function jobEndedBadly(client: AwxClient, job: AwxJob, signal: AbortSignal): Promise<OoError> {
  let stdoutTail: string;
  try {
    stdoutTail = lastLines(await client.jobStdout(job.id, { signal }), FAILURE_TAIL_LINES);
  } catch (error) {
    // The job's end is what matters; its output is a help, not a reason to retry.
    stdoutTail = `(output unavailable: ${error instanceof Error ? error.message : String(error)})`;
  }
  const explanation = job.job_explanation ? `: ${job.job_explanation}` : '';
  const code = job.status === 'canceled' ? 'OO_ERR_AWX_JOB_CANCELED' : 'OO_ERR_AWX_JOB_FAILED';
  return new OoError(
    code,
    `AWX job ${job.id} (${job.name}) ended ${job.status}${explanation}\n--- last lines of its output ---\n${stdoutTail}`,
    {
      retryable: false,
      details: {
        jobId: job.id,
        jobTemplate: job.name,
        status: job.status,
        jobExplanation: job.job_explanation ?? '',
        hostStatusCounts: job.host_status_counts ?? null,
        stdoutTail,
      },
    },
  );
}
