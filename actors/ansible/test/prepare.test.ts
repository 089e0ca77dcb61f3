/**
 * `ansible.prepare` in the wrapper's workflow: a real git repository, the prepare task, and one
 * `awx-job` child run per resource against the AWX simulator.
 */
import type { TemplateInput } from '@oo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnsibleTestbed, startAnsibleTestbed } from './fixtures/ansible-testbed.js';
import { createResourceRepo, repoMetadata, sampleVm } from './fixtures/resource-repo.js';

/** The Ansible wrapper's shape: prepare, then one child run of the template it names per resource. */
const BUILD: TemplateInput = {
  name: 'ansible-build-test',
  version: 1,
  input: { type: 'object', required: ['repo', 'commit', 'files'] },
  tasks: {
    prepare: {
      type: 'ansible.prepare',
      input: { repo: '=input.repo', commit: '=input.commit', files: '=input.files' },
    },
    build: {
      type: 'workflow.run',
      needs: ['prepare'],
      forEach: { items: '=tasks.prepare.output.runs' },
      input: { template: '=item.template', input: '=item.input' },
    },
  },
  output: { prepared: '=tasks.prepare.output', builds: '=tasks.build.output' },
};

/** The same for one resource: prepare's `template` and `input` feed one `workflow.run` directly. */
const BUILD_ONE: TemplateInput = {
  name: 'ansible-build-one-test',
  version: 1,
  input: { type: 'object', required: ['repo', 'commit', 'files'] },
  tasks: {
    prepare: {
      type: 'ansible.prepare',
      input: { repo: '=input.repo', commit: '=input.commit', files: '=input.files' },
    },
    build: {
      type: 'workflow.run',
      needs: ['prepare'],
      input: { template: '=tasks.prepare.output.template', input: '=tasks.prepare.output.input' },
    },
  },
  output: { prepared: '=tasks.prepare.output', build: '=tasks.build.output' },
};

let bed: AnsibleTestbed;
beforeAll(async () => {
  bed = await startAnsibleTestbed({ templates: [BUILD, BUILD_ONE] });
  await bed.startRunner();
});
afterAll(() => bed.stop());

describe('ansible.prepare', () => {
  it('ansible.prepare - reads the resource files at the exact commit even after later commits changed them', async () => {
    const jt = bed.freshJobTemplate();
    const repo = await createResourceRepo();
    const first = await repo.commit({ 'oo-repo.json': repoMetadata(jt), 'vms/web01.json': sampleVm() });
    await repo.commit({
      'oo-repo.json': repoMetadata('some-other-template'),
      'vms/web01.json': sampleVm({ cpu: 16, memoryMb: 65536 }),
    });
    const runId = await bed.start('ansible-build-one-test', {
      repo: repo.dir,
      commit: first,
      files: ['vms/web01.json'],
    });
    const end = await bed.finished(runId);
    expect(end.status).toBe('succeeded');
    const [job] = bed.sim.control.jobs({ jobTemplate: jt });
    expect(bed.sim.control.launchCount(jt)).toBe(1);
    expect(job?.extraVars).toEqual({
      vm_name: 'web01',
      vm_cpu: 2,
      vm_memory_mb: 8192,
      vm_disks: [{ size_gb: 100, datastore: 'ds-ssd-01' }],
      vm_network: 'INTRANET_DEV',
      vm_ip: '10.20.30.41',
      vm_prefix_length: 24,
      vm_gateway: '10.20.30.1',
      vm_dns: ['10.20.0.53', '10.20.0.54'],
      vm_cluster: 'dev-cluster-a',
      vm_datastore: 'ds-ssd-01',
      vm_os_image: 'rhel9-golden',
      vm_os_family: 'linux',
      vm_tags: { owner: 'alice' },
      oo_request_id: 'req_0001',
      oo_trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      oo_requested_by: 'alice',
      oo_resource_kind: 'virtual_machine',
      oo_resource_file: 'vms/web01.json',
      oo_commit: first,
      oo_task_key: `${runId}.build.launch`,
    });
    expect(end.output).toMatchObject({
      prepared: { template: 'awx-job', input: { jobTemplate: jt }, runs: [{ template: 'awx-job' }] },
      build: { jobId: job?.id, status: 'successful' },
    });
    // Where the files came from stays out of the output (a clone URL may carry a token).
    expect(JSON.stringify(end.output)).not.toContain(repo.dir);
  });

  it('ansible.prepare - starts one AWX job per resource file, each with its own vars and marker', async () => {
    const jt = bed.freshJobTemplate();
    const repo = await createResourceRepo();
    const commit = await repo.commit({
      'oo-repo.json': repoMetadata(jt),
      'vms/web01.json': sampleVm(),
      'vms/web02.json': sampleVm({ name: 'web02' }),
    });
    const files = ['vms/web01.json', 'vms/web02.json'];
    const runId = await bed.start('ansible-build-test', { repo: repo.dir, commit, files });
    expect((await bed.finished(runId)).status).toBe('succeeded');
    const jobs = bed.sim.control.jobs({ jobTemplate: jt });
    expect(jobs.map((j) => [j.extraVars.vm_name, j.extraVars.oo_task_key]).sort()).toEqual([
      ['web01', `${runId}.build-0.launch`],
      ['web02', `${runId}.build-1.launch`],
    ]);
  });

  it('ansible.prepare - fetches a commit made after the repository was cached', async () => {
    const jt = bed.freshJobTemplate();
    const repo = await createResourceRepo();
    const files = ['vms/web01.json'];
    const first = await repo.commit({ 'oo-repo.json': repoMetadata(jt), 'vms/web01.json': sampleVm() });
    expect(
      (await bed.finished(await bed.start('ansible-build-test', { repo: repo.dir, commit: first, files })))
        .status,
    ).toBe('succeeded');
    const second = await repo.commit({ 'vms/web01.json': sampleVm({ cpu: 4 }) });
    const end = await bed.finished(
      await bed.start('ansible-build-test', { repo: repo.dir, commit: second, files }),
    );
    expect(end.status).toBe('succeeded');
    expect(
      bed.sim.control.jobs({ jobTemplate: jt }).map((j) => [j.extraVars.vm_cpu, j.extraVars.oo_commit]),
    ).toEqual([
      [2, first],
      [4, second],
    ]);
  });

  it('ansible.prepare - fails the run naming the file and the field when a resource breaks the common format', async () => {
    const jt = bed.freshJobTemplate();
    const repo = await createResourceRepo();
    const commit = await repo.commit({
      'oo-repo.json': repoMetadata(jt),
      'vms/web01.json': { ...sampleVm(), cpu: 0 },
    });
    const runId = await bed.start('ansible-build-test', {
      repo: repo.dir,
      commit,
      files: ['vms/web01.json'],
    });
    const end = await bed.finished(runId);
    expect(end.status).toBe('failed');
    expect(end.error).toMatchObject({ code: 'OO_ERR_AWX_RESOURCE_INVALID', retryable: false });
    expect(end.error?.message).toMatch(
      new RegExp(`^vms/web01.json at ${commit} does not match its schema: cpu: `),
    );
    expect(bed.sim.control.launchCount(jt)).toBe(0);
  });

  it('ansible.prepare - fails the run when the commit is not in the repository', async () => {
    const repo = await createResourceRepo();
    await repo.commit({ 'oo-repo.json': repoMetadata('x'), 'vms/web01.json': sampleVm() });
    const missing = 'f'.repeat(40);
    const runId = await bed.start('ansible-build-test', {
      repo: repo.dir,
      commit: missing,
      files: ['vms/web01.json'],
    });
    const end = await bed.finished(runId);
    expect(end.error).toMatchObject({ code: 'OO_ERR_AWX_GIT_COMMIT_MISSING', retryable: false });
  });
});
