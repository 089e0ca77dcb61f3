/**
 * `awx.launch`: launches a job template once, whatever crashes or lost answers happen.
 *
 * Exactly once in effect, with `ctx.vars` and a marker AWX keeps for us:
 *   1. a stored `jobId` is the answer: return it;
 *   2. `launching` stored (an earlier delivery sent, or was about to send, the POST): look for a job
 *      of the template whose extra_vars carry `oo_task_key` = `<runId>.<taskKey>`; adopt it if found;
 *   3. store `launching`, then POST the launch with the marker among the extra vars;
 *   4. AWX answered: store the `jobId`. It did not (5xx, reset, timeout: OO_ERR_AWX_LAUNCH_UNCONFIRMED):
 *      look for the marker at once, and if the job is not there (yet) fail retryably — the next
 *      attempt looks again before it launches. The POST itself is never retried blindly.
 * A crash between 3 and 4 is step 2 on the redelivery. The marker search scans the template's newest
 * 200 jobs: a template launched more than 200 times between the crash and the redelivery would
 * launch twice.
 */
import { OoError } from '@oo/contracts';
import { defineTask, type TaskContext } from '@oo/runtime';
import { z } from 'zod';
import type { AwxAccess } from '../awx-access.js';
import type { AwxClient } from '../awx-client.js';
import { type AwxJob, isTerminalStatus } from '../awx-schemas.js';

/** The extra var that carries the marker; the template must prompt for variables. */
export const MARKER_VAR = 'oo_task_key';

export const LaunchInput = z
  .object({
    /** Job template id (from awx.find_job_template) or exact name. */
    jobTemplate: z.union([z.number().int().positive(), z.string().min(1)]),
    extraVars: z.record(z.string(), z.unknown()).default({}),
    /** Host pattern; the template must prompt for it (ask_limit_on_launch). */
    limit: z.string().min(1).optional(),
    /** Inventory id; the template must prompt for it (ask_inventory_on_launch). */
    inventory: z.number().int().positive().optional(),
  })
  .strict();

export const LaunchOutput = z.object({ jobId: z.number().int().positive() }).strict();

const LaunchVars = z.object({ launching: z.boolean(), jobTemplateId: z.number(), jobId: z.number() });
type LaunchVars = z.output<typeof LaunchVars>;

/** `<runId>.<taskKey>`: unique per task of a run, the same on every delivery and attempt. */
export function taskMarker(ctx: Pick<TaskContext, 'runId' | 'taskKey'>): string {
  return `${ctx.runId}.${ctx.taskKey}`;
}

export function launchTask(awx: AwxAccess) {
  return defineTask({
    type: 'awx.launch',
    description: 'Launches an AWX job template exactly once (marker oo_task_key in extra_vars).',
    input: LaunchInput,
    output: LaunchOutput,
    vars: LaunchVars,
    retry: { maxAttempts: 5, backoffMs: 2_000, maxBackoffMs: 30_000 },
    async run(ctx, input) {
      const stored = ctx.vars.get('jobId');
      if (stored !== undefined) return { jobId: stored };
      const client = awx.client();
      const call = { signal: ctx.signal };
      const jobTemplateId = await templateId(ctx, client, input.jobTemplate);
      const marker = taskMarker(ctx);

      if (ctx.vars.get('launching')) {
        const found = await findLaunched(ctx, client, jobTemplateId);
        if (found !== undefined) return adopt(ctx, found, 'found by its marker after a restart');
      }
      await ctx.vars.set('launching', true);
      let jobId: number;
      try {
        const launched = await client.launch(
          jobTemplateId,
          {
            extraVars: { ...input.extraVars, [MARKER_VAR]: marker },
            ...(input.limit === undefined ? {} : { limit: input.limit }),
            ...(input.inventory === undefined ? {} : { inventory: input.inventory }),
          },
          call,
        );
        jobId = launched.job;
      } catch (error) {
        if (error instanceof OoError && error.code === 'OO_ERR_AWX_LAUNCH_UNCONFIRMED') {
          const found = await findLaunched(ctx, client, jobTemplateId);
          if (found !== undefined) return adopt(ctx, found, 'found by its marker after a lost answer');
        }
        throw error;
      }
      await ctx.vars.set('jobId', jobId);
      ctx.log.info({ jobId, jobTemplateId }, 'AWX job launched');
      return { jobId };
    },
    async onCancel(ctx) {
      const client = awx.client();
      const jobId = ctx.vars.get('jobId');
      const jobTemplateId = ctx.vars.get('jobTemplateId');
      let active: number[] = [];
      if (jobId !== undefined) active = [jobId];
      else if (ctx.vars.get('launching') && jobTemplateId !== undefined) {
        const found = await client.findJobsByMarker(jobTemplateId, taskMarker(ctx), { signal: ctx.signal });
        active = found.filter((job) => !isTerminalStatus(job.status)).map((job) => job.id);
      }
      for (const id of active) {
        const accepted = await client.cancelJob(id, { signal: ctx.signal });
        ctx.log.info({ jobId: id, accepted }, 'AWX job cancel requested: its run ended');
      }
    },
  });
}

/** The template id, looked up once by name and kept in vars (onCancel searches by it). */
async function templateId(
  ctx: TaskContext<LaunchVars>,
  client: AwxClient,
  jobTemplate: number | string,
): Promise<number> {
  const known = ctx.vars.get('jobTemplateId');
  if (known !== undefined) return known;
  const id =
    typeof jobTemplate === 'number'
      ? jobTemplate
      : (await client.findJobTemplate(jobTemplate, { signal: ctx.signal })).id;
  await ctx.vars.set('jobTemplateId', id);
  return id;
}

/** The job this task launched, if AWX has it: the oldest carrying the marker. */
async function findLaunched(
  ctx: TaskContext<LaunchVars>,
  client: AwxClient,
  jobTemplateId: number,
): Promise<AwxJob | undefined> {
  const found = await client.findJobsByMarker(jobTemplateId, taskMarker(ctx), { signal: ctx.signal });
  if (found.length > 1) {
    ctx.log.error(
      { jobIds: found.map((j) => j.id), marker: taskMarker(ctx) },
      'several AWX jobs carry this task’s marker; adopting the oldest',
    );
  }
  return found.at(-1);
}

async function adopt(ctx: TaskContext<LaunchVars>, job: AwxJob, why: string): Promise<{ jobId: number }> {
  await ctx.vars.set('jobId', job.id);
  ctx.log.info({ jobId: job.id, status: job.status }, `AWX job ${why}`);
  return { jobId: job.id };
}
