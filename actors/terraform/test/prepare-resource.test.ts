import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OoError } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { type PrepareOptions, prepareTfeRuns, type VarSpec } from '../src/index.js';
import { createResourceRepo, MANAGED_VM_REPO, managedVm } from './fixtures/resource-repo.js';
import { MODULES_DIR } from './fixtures/terraform-testbed.js';

function options(overrides: Partial<PrepareOptions> = {}): PrepareOptions {
  return {
    gitCacheDir: mkdtempSync(join(tmpdir(), 'oo-tf-git-')),
    modulesDir: MODULES_DIR,
    variableDefaults: { datacenter: 'dc1', domain: 'example.net' },
    extraVars: [],
    ...overrides,
  };
}

const varValue = (vars: readonly VarSpec[], key: string) => vars.find((v) => v.key === key)?.value;

async function failureOf(promise: Promise<unknown>): Promise<OoError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OoError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('terraform.prepare - common format at a commit to the tfe-run input', () => {
  it('reads every file at the exact commit even after later commits changed them', async () => {
    const repo = await createResourceRepo();
    const opts = options();
    const first = await repo.commit({
      'oo-repo.json': MANAGED_VM_REPO,
      'vms/web01.json': managedVm({ cpu: 2 }),
    });
    const second = await repo.commit({
      'oo-repo.json': { ...MANAGED_VM_REPO, terraformModule: 'no-such-module' },
      'vms/web01.json': managedVm({ cpu: 8 }),
    });
    const ref = (commit: string) => ({ repo: repo.url, commit, files: ['vms/web01.json'] });

    await expect(prepareTfeRuns(ref(second), opts)).rejects.toMatchObject({
      code: 'OO_ERR_TFE_MODULE_UNKNOWN',
    });
    const third = await repo.commit({
      'oo-repo.json': MANAGED_VM_REPO,
      'vms/web01.json': managedVm({ cpu: 16 }),
    });
    const [atFirst] = await prepareTfeRuns(ref(first), opts);
    const [atThird] = await prepareTfeRuns(ref(third), opts);

    expect(atFirst!.template).toBe('tfe-run');
    expect(atFirst!.input).toMatchObject({ workspace: 'oo-web01', module: 'vsphere-vm' });
    expect(atFirst!.input.message).toContain(first.slice(0, 12));
    expect(varValue(atFirst!.input.vars, 'cpu')).toBe('2');
    expect(varValue(atThird!.input.vars, 'cpu')).toBe('16');
    expect(varValue(atFirst!.input.vars, 'datacenter')).toBe('dc1');
    expect(varValue(atFirst!.input.vars, 'domain')).toBe('example.net');
  });

  it('prepares one run per file, in the order given, with the runner extra variables', async () => {
    const repo = await createResourceRepo();
    const commit = await repo.commit({
      'oo-repo.json': MANAGED_VM_REPO,
      'vms/a.json': managedVm({ name: 'app-a' }),
      'vms/b.json': managedVm({ name: 'app-b' }),
    });
    const extra: VarSpec = { key: 'VSPHERE_PASSWORD', secret: 'VSPHERE_PASSWORD', category: 'env' };
    const runs = await prepareTfeRuns(
      { repo: repo.url, commit, files: ['vms/b.json', 'vms/a.json'] },
      options({ extraVars: [extra] }),
    );

    expect(runs.map((r) => r.input.workspace)).toEqual(['oo-app-b', 'oo-app-a']);
    for (const run of runs) expect(run.input.vars).toContainEqual(extra);
  });

  it('refuses a common-format file that does not validate, naming the field', async () => {
    const repo = await createResourceRepo();
    const commit = await repo.commit({
      'oo-repo.json': MANAGED_VM_REPO,
      'vms/bad.json': { ...managedVm(), memoryMb: 100 },
    });
    const error = await failureOf(
      prepareTfeRuns({ repo: repo.url, commit, files: ['vms/bad.json'] }, options()),
    );

    expect(error).toMatchObject({ code: 'OO_ERR_TFE_RESOURCE_INVALID', retryable: false });
    expect(error.message).toContain('memoryMb');
    expect(error.details).toMatchObject({ path: 'vms/bad.json', commit });
  });

  it('refuses a repository of unmanaged resources: those are built through Ansible', async () => {
    const repo = await createResourceRepo();
    const { terraformModule: _none, ...unmanaged } = MANAGED_VM_REPO;
    const commit = await repo.commit({
      'oo-repo.json': { ...unmanaged, managed: false, jobTemplate: 'oo-build-vm', workflow: 'awx-job' },
      'vms/web01.json': managedVm({ managed: false }),
    });
    const error = await failureOf(
      prepareTfeRuns({ repo: repo.url, commit, files: ['vms/web01.json'] }, options()),
    );

    expect(error.code).toBe('OO_ERR_TFE_RESOURCE_INVALID');
    expect(error.message).toContain('unmanaged');
  });

  it('names the module variable without a default that gets no value', async () => {
    const repo = await createResourceRepo();
    const commit = await repo.commit({ 'oo-repo.json': MANAGED_VM_REPO, 'vms/web01.json': managedVm() });
    const error = await failureOf(
      prepareTfeRuns(
        { repo: repo.url, commit, files: ['vms/web01.json'] },
        options({ variableDefaults: {} }),
      ),
    );

    expect(error.code).toBe('OO_ERR_TFE_MODULE_UNKNOWN');
    expect(error.details?.mismatches).toEqual([
      "datacenter has no default and no value (set it in the runner's variableDefaults)",
    ]);
  });

  it('fails for good on a commit or a file that is not in the repository', async () => {
    const repo = await createResourceRepo();
    const commit = await repo.commit({ 'oo-repo.json': MANAGED_VM_REPO, 'vms/web01.json': managedVm() });
    const opts = options();
    const missingCommit = await failureOf(
      prepareTfeRuns({ repo: repo.url, commit: 'f'.repeat(40), files: ['vms/web01.json'] }, opts),
    );
    const missingFile = await failureOf(
      prepareTfeRuns({ repo: repo.url, commit, files: ['vms/nope.json'] }, opts),
    );

    expect(missingCommit).toMatchObject({ code: 'OO_ERR_TFE_COMMIT_NOT_FOUND', retryable: false });
    expect(missingFile).toMatchObject({
      code: 'OO_ERR_TFE_COMMIT_NOT_FOUND',
      details: { path: 'vms/nope.json' },
    });
  });

  it('reports an unreachable repository as retryable', async () => {
    const error = await failureOf(
      prepareTfeRuns(
        { repo: join(tmpdir(), 'oo-no-such-repo'), commit: 'a'.repeat(40), files: ['vms/web01.json'] },
        options(),
      ),
    );

    expect(error).toMatchObject({ code: 'OO_ERR_TFE_REPO_UNAVAILABLE', retryable: true });
  });
});
