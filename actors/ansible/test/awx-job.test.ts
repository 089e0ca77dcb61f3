/**
 * The `awx-job` template end to end: engine + ansible runner on a real nats-server, AWX simulated
 * over real HTTP. One template of a fresh name per test, so launch counts are the test's own.
 */
import { waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnsibleTestbed, startAnsibleTestbed } from './fixtures/ansible-testbed.js';

let bed: AnsibleTestbed;
beforeAll(async () => {
  bed = await startAnsibleTestbed({ sim: { slowRunningMs: 60_000 } });
  await bed.startRunner();
});
afterAll(() => bed.stop());

const vm = { vm_name: 'web01', vm_cpu: 2, vm_memory_mb: 8192 };

/** Statuses AWX answered to the launches of this test's template (known by its one job). */
function launchAnswers(jt: string): Array<number | 'reset'> {
  const id = bed.sim.control.jobs({ jobTemplate: jt })[0]?.jobTemplateId;
  return bed.sim.control
    .requests({ method: 'POST', path: `/job_templates/${id}/launch/$` })
    .map((r) => r.status);
}

describe('awx-job template', () => {
  it('awx-job - launches the job template once, with the extra vars and the task marker, and succeeds with the job id', async () => {
    const jt = bed.freshJobTemplate();
    const runId = await bed.start('awx-job', { jobTemplate: jt, extraVars: vm });
    const end = await bed.finished(runId);
    expect(end.status).toBe('succeeded');
    expect(bed.sim.control.launchCount(jt)).toBe(1);
    const [job] = bed.sim.control.jobs({ jobTemplate: jt });
    expect(job?.extraVars).toEqual({ ...vm, oo_task_key: `${runId}.launch` });
    expect(end.output).toMatchObject({ jobId: job?.id, status: 'successful' });
    expect((end.output as { stdoutTail: string }).stdoutTail).toContain('PLAY RECAP');
  });

  it('awx-job - a launch whose answer is lost is found by its marker, not sent again', async () => {
    const jt = bed.freshJobTemplate();
    bed.sim.control.injectFault({
      method: 'POST',
      path: '/job_templates/\\d+/launch/$',
      kind: 'status',
      status: 502,
      when: 'after',
    });
    const runId = await bed.start('awx-job', { jobTemplate: jt, extraVars: vm });
    const end = await bed.finished(runId);
    expect(end.status).toBe('succeeded');
    expect(bed.sim.control.launchCount(jt)).toBe(1);
    expect(launchAnswers(jt)).toEqual([502]);
  });

  it('awx-job - a launch refused before AWX created the job is sent again once the marker search finds nothing', async () => {
    const jt = bed.freshJobTemplate();
    bed.sim.control.injectFault({
      method: 'POST',
      path: '/job_templates/\\d+/launch/$',
      kind: 'status',
      status: 503,
    });
    const runId = await bed.start('awx-job', { jobTemplate: jt, extraVars: vm });
    const end = await bed.finished(runId);
    expect(end.status).toBe('succeeded');
    expect(bed.sim.control.launchCount(jt)).toBe(1);
    expect(launchAnswers(jt)).toEqual([503, 201]);
  });

  it('awx-job - fails the run with the tail of the job output when the AWX job fails', async () => {
    const jt = bed.freshJobTemplate();
    bed.sim.control.scriptOutcome(jt, 'failed');
    const runId = await bed.start('awx-job', { jobTemplate: jt, extraVars: vm });
    const end = await bed.finished(runId);
    expect(end.status).toBe('failed');
    expect(end.error).toMatchObject({ code: 'OO_ERR_AWX_JOB_FAILED', retryable: false });
    expect(end.error?.message).toMatch(/^AWX job \d+ \(oo-build-vm-\w+\) ended failed/);
    expect(end.error?.message).toContain(
      'fatal: [localhost]: FAILED! => {"changed": false, "msg": "simulated failure"}',
    );
    expect(end.error?.details).toMatchObject({
      status: 'failed',
      stdoutTail: expect.stringContaining('PLAY RECAP'),
    });
  });

  it('awx-job - rides out AWX answering 503 to job reads for a while, with one launch', async () => {
    const jt = bed.freshJobTemplate();
    // More 503s in a row than the client retries (3): the wait task itself fails once and is retried.
    const fault = bed.sim.control.injectFault({
      method: 'GET',
      path: '/jobs/\\d+/$',
      kind: 'status',
      status: 503,
      times: 5,
    });
    const runId = await bed.start('awx-job', { jobTemplate: jt, extraVars: vm });
    const end = await bed.finished(runId);
    expect(end.status).toBe('succeeded');
    expect(bed.sim.control.faults().find((f) => f.id === fault)).toMatchObject({ hits: 5, remaining: 0 });
    const retried = bed.taskEvents.filter(
      (e) => e.runId === runId && e.taskKey === 'wait' && e.status === 'failed',
    );
    expect(retried.map((e) => e.error?.code)).toEqual(['OO_ERR_AWX_SERVER_ERROR']);
    expect(bed.sim.control.launchCount(jt)).toBe(1);
  });

  it('awx-job - fails the run with a clear message when the job template ignores extra_vars', async () => {
    const jt = bed.freshJobTemplate();
    bed.sim.control.updateJobTemplate(jt, { ask_variables_on_launch: false });
    const runId = await bed.start('awx-job', { jobTemplate: jt, extraVars: vm });
    const end = await bed.finished(runId);
    expect(end.status).toBe('failed');
    expect(end.error).toMatchObject({
      code: 'OO_ERR_AWX_PROMPT_IGNORED',
      retryable: false,
      message: `AWX ignored extra_vars: enable Prompt on launch (ask_variables_on_launch) on job template ${jt}`,
    });
  });

  it('awx-job - cancelling the run while the job runs cancels the AWX job', async () => {
    const jt = bed.freshJobTemplate();
    bed.sim.control.scriptOutcome(jt, 'slow_running');
    const runId = await bed.start('awx-job', { jobTemplate: jt, extraVars: vm });
    await waitFor(() => bed.sim.control.jobs({ jobTemplate: jt })[0]?.status === 'running', {
      what: 'the AWX job running',
    });
    await bed.cancel(runId);
    const end = await bed.finished(runId);
    expect(end.status).toBe('cancelled');
    await waitFor(() => bed.sim.control.jobs({ jobTemplate: jt })[0]?.status === 'canceled', {
      what: 'the AWX job canceled',
    });
    expect(bed.sim.control.requests({ method: 'POST', path: /\/jobs\/\d+\/cancel\/$/ })).not.toHaveLength(0);
    expect(bed.sim.control.launchCount(jt)).toBe(1);
  });
});
