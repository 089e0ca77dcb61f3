/**
 * `ansible.playbook`, the local backend, in workflows run by the engine: real ansible-playbook on
 * this machine, fed from a real git repository through `ansible.prepare`.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateInput } from '@oo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_PLAYBOOKS } from '../src/index.js';
import { type AnsibleTestbed, startAnsibleTestbed } from './fixtures/ansible-testbed.js';
import { createResourceRepo, repoMetadata, sampleVm } from './fixtures/resource-repo.js';

/** The local wrapper's shape: prepare, then the sample playbook once per resource. */
const LOCAL_BUILD: TemplateInput = {
  name: 'local-build-test',
  version: 1,
  input: { type: 'object', required: ['repo', 'commit', 'files'] },
  tasks: {
    prepare: {
      type: 'ansible.prepare',
      input: { repo: '=input.repo', commit: '=input.commit', files: '=input.files' },
    },
    build: {
      type: 'ansible.playbook',
      needs: ['prepare'],
      forEach: { items: '=tasks.prepare.output.runs' },
      input: { playbook: 'build-vm.yml', extraVars: '=item.input.extraVars' },
    },
  },
  output: { builds: '=tasks.build.output' },
};

const ONE_PLAYBOOK: TemplateInput = {
  name: 'one-playbook-test',
  version: 1,
  tasks: {
    play: { type: 'ansible.playbook', input: { playbook: '=input.playbook', extraVars: '=input.extraVars' } },
  },
  output: { play: '=tasks.play.output' },
};

let bed: AnsibleTestbed;
beforeAll(async () => {
  bed = await startAnsibleTestbed({ templates: [LOCAL_BUILD, ONE_PLAYBOOK] });
  const playbookDir = mkdtempSync(join(tmpdir(), 'oo-playbooks-'));
  copyFileSync(join(SHIPPED_PLAYBOOKS, 'build-vm.yml'), join(playbookDir, 'build-vm.yml'));
  copyFileSync(fileURLToPath(new URL('./fixtures/fail.yml', import.meta.url)), join(playbookDir, 'fail.yml'));
  await bed.startRunner({ local: { playbookDir } });
});
afterAll(() => bed.stop());

describe('ansible.playbook', () => {
  it('ansible.playbook - builds the VM of a commit for real with the sample playbook', async () => {
    const repo = await createResourceRepo();
    const commit = await repo.commit({
      'oo-repo.json': repoMetadata('unused'),
      'vms/web01.json': sampleVm(),
    });
    const runId = await bed.start('local-build-test', { repo: repo.dir, commit, files: ['vms/web01.json'] });
    const end = await bed.finished(runId, 60_000);
    expect(end.status).toBe('succeeded');
    expect(end.output).toMatchObject({
      builds: [{ status: 'successful', stdoutTail: expect.stringMatching(/PLAY RECAP/) }],
    });
    const built = JSON.parse(readFileSync(join(bed.dataDir, 'ansible', 'output', 'web01.json'), 'utf8'));
    expect(built).toEqual({
      name: 'web01',
      cpu: 2,
      memory_mb: 8192,
      disks: [{ size_gb: 100, datastore: 'ds-ssd-01' }],
      network: 'INTRANET_DEV',
      ip: '10.20.30.41',
    });
  });

  it('ansible.playbook - fails the run with the tail of the output when the playbook fails', async () => {
    const runId = await bed.start('one-playbook-test', {
      playbook: 'fail.yml',
      extraVars: { reason: 'disk full' },
    });
    const end = await bed.finished(runId, 60_000);
    expect(end.status).toBe('failed');
    expect(end.error).toMatchObject({
      code: 'OO_ERR_AWX_LOCAL_PLAYBOOK_FAILED',
      retryable: false,
      details: { status: 'failed', exitCode: 2 },
    });
    expect(end.error?.message).toMatch(/^playbook fail\.yml ended failed \(exit 2\)/);
    expect(end.error?.message).toContain('oo-test-failure disk full');
  });

  it('ansible.playbook - refuses a playbook that is not in its folder', async () => {
    const runId = await bed.start('one-playbook-test', { playbook: 'missing.yml', extraVars: {} });
    const end = await bed.finished(runId);
    expect(end.error).toMatchObject({
      code: 'OO_ERR_AWX_LOCAL_PLAYBOOK_INVALID',
      message: 'no playbook missing.yml in the local playbook folder',
    });
  });

  it('ansible.playbook - refuses a playbook name with a path in it', async () => {
    const runId = await bed.start('one-playbook-test', { playbook: '../fail.yml', extraVars: {} });
    const end = await bed.finished(runId);
    expect(end.error).toMatchObject({ code: 'OO_ERR_WORKFLOW_TASK_INPUT' });
    expect(end.error?.message).toContain('playbook: must be a file name in the playbook folder');
  });
});
