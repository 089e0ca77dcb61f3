/**
 * The ansible runner killed with SIGKILL at the worst moments of an `awx-job` run; a new runner
 * process takes over, and AWX still sees exactly one job.
 */
import { waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnsibleTestbed, startAnsibleTestbed } from './fixtures/ansible-testbed.js';

let bed: AnsibleTestbed;
beforeAll(async () => {
  bed = await startAnsibleTestbed({ sim: { slowRunningMs: 3_000 } });
});
afterAll(() => bed.stop());

const input = (jobTemplate: string) => ({ jobTemplate, extraVars: { vm_name: 'web01' } });

describe('awx-job template - runner killed', () => {
  it('awx-job - a runner killed after AWX accepted the launch but before it heard back launches no second job', async () => {
    const jt = bed.freshJobTemplate();
    // AWX creates the job and the answer is lost; the marker search that follows hangs, and the
    // runner is killed during it: nothing but the marker records that the job exists.
    bed.sim.control.injectFault({
      method: 'POST',
      path: '/job_templates/\\d+/launch/$',
      kind: 'reset',
      when: 'after',
    });
    const hang = bed.sim.control.injectFault({
      method: 'GET',
      path: '/job_templates/\\d+/jobs/$',
      kind: 'delay',
      delayMs: 20_000,
    });
    const first = await bed.spawnRunner();
    const runId = await bed.start('awx-job', input(jt));
    await waitFor(() => bed.sim.control.faults().find((f) => f.id === hang)?.hits === 1, {
      what: 'the runner searching for its lost launch',
    });
    expect(bed.sim.control.launchCount(jt)).toBe(1);
    await first.kill('SIGKILL');

    await bed.spawnRunner();
    const end = await bed.finished(runId, 60_000);
    expect(end.status).toBe('succeeded');
    const jobs = bed.sim.control.jobs({ jobTemplate: jt });
    expect(jobs.map((j) => j.extraVars.oo_task_key)).toEqual([`${runId}.launch`]);
    expect(end.output).toMatchObject({ jobId: jobs[0]?.id, status: 'successful' });
  });

  it('awx-job - a runner killed while waiting for the job leaves one job, and the run succeeds after a restart', async () => {
    const jt = bed.freshJobTemplate();
    bed.sim.control.scriptOutcome(jt, 'slow_running');
    const first = await bed.spawnRunner();
    const runId = await bed.start('awx-job', input(jt));
    await bed.taskEvent((e) => e.runId === runId && e.taskKey === 'wait' && e.status === 'running');
    await waitFor(() => bed.sim.control.jobs({ jobTemplate: jt })[0]?.status === 'running', {
      what: 'the AWX job running',
    });
    await first.kill('SIGKILL');
    expect(bed.sim.control.jobs({ jobTemplate: jt })[0]?.status).toBe('running');

    await bed.spawnRunner();
    const end = await bed.finished(runId, 60_000);
    expect(end.status).toBe('succeeded');
    expect(bed.sim.control.launchCount(jt)).toBe(1);
    expect(end.output).toMatchObject({ jobId: bed.sim.control.jobs({ jobTemplate: jt })[0]?.id });
  });
});
