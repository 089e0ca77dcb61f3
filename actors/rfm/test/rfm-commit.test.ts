import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommitRef, RepoMetadata, VirtualMachineResource } from '@oo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestbed, type Testbed } from '../../runtime/test/fixtures/task-testbed.js';
import { type RfmOptions, rfmRunnerFor } from '../src/index.js';
import { postgres, type TestDb } from './fixtures/databases.js';
import { startFilestore, type TestFilestore } from './fixtures/filestore.js';
import { commitsOf, fileAt, filesAt, git, tempDir } from './fixtures/git.js';
import { requestFile, rhelOnDev } from './fixtures/requests.js';

const SECRET = 'rfm-test-secret-0123456789abcdef-XYZ';
const NO_RETRY = { maxAttempts: 1, backoffMs: 10, maxBackoffMs: 10, jitter: 0 };

let bed: Testbed;
let store: TestFilestore;
let t: TestDb;
const dataDir = tempDir();
const vmRepo = join(dataDir, 'git', 'virtual_machine.git');

beforeAll(async () => {
  [bed, store, t] = await Promise.all([startTestbed(), startFilestore(SECRET), postgres.open()]);
  const options: RfmOptions = { dataDir, authSecret: SECRET, db: t.db };
  await bed.start(rfmRunnerFor(options));
});
afterAll(async () => {
  await bed?.stop();
  await store?.close();
  await t?.release();
});

async function commit(body: Parameters<typeof requestFile>[0], extra = {}) {
  const file = requestFile(body);
  const fileUrl = store.put(file);
  const runId = await bed.dispatch(
    'rfm.commit',
    {
      requestId: file.requestId,
      fileUrl,
      resources: file.body.resources,
      managed: file.body.managed,
      submittedBy: 'alice',
    },
    { retry: NO_RETRY, ...extra },
  );
  const [report] = await bed.reports.waitFor(runId, 1, 30_000);
  return { file, report: report! };
}

describe('rfm.commit', () => {
  it('turns a VM request into its common-format file in the virtual_machine repository, at a commit naming the request', async () => {
    const { file, report } = await commit({ resources: [rhelOnDev] });
    expect(report.outcome).toBe('succeeded');
    const ref = CommitRef.parse(report.output);
    expect(ref).toEqual({
      repo: vmRepo,
      commit: expect.any(String),
      files: ['virtual_machine/dev-rhel9-0001.json'],
    });
    const [head] = commitsOf(vmRepo);
    expect(head).toEqual({
      id: ref.commit,
      message: `OO request ${file.requestId}\n\nTrace-Id: ${file.traceId}`,
    });
    const vm = VirtualMachineResource.parse(JSON.parse(fileAt(vmRepo, ref.commit, ref.files[0]!)));
    expect(vm).toMatchObject({
      name: 'dev-rhel9-0001',
      requestId: file.requestId,
      network: { ip: '10.10.0.10' },
    });
    expect(fileAt(vmRepo, ref.commit, ref.files[0]!)).toBe(`${JSON.stringify(vm, null, 2)}\n`);
    expect(RepoMetadata.parse(JSON.parse(fileAt(vmRepo, ref.commit, 'oo-repo.json')))).toEqual({
      formatVersion: 1,
      resourceType: 'virtual_machine',
      osFamily: 'linux',
      managed: false,
      jobTemplate: 'oo-build-vm',
      workflow: 'awx-job',
    });
  });

  it('makes no second commit when the same request runs again', async () => {
    const file = requestFile({ resources: [{ ...rhelOnDev, count: 2 }], managed: true });
    const fileUrl = store.put(file);
    const input = { requestId: file.requestId, fileUrl };
    const first = await bed.dispatch('rfm.commit', input, { retry: NO_RETRY });
    const [a] = await bed.reports.waitFor(first, 1, 30_000);
    const again = await bed.dispatch('rfm.commit', input, { retry: NO_RETRY });
    const [b] = await bed.reports.waitFor(again, 1, 30_000);
    expect(a!.outcome).toBe('succeeded');
    expect(b!.output).toEqual(a!.output);
    const naming = commitsOf(vmRepo).filter((c) => c.message.startsWith(`OO request ${file.requestId}\n`));
    expect(naming).toHaveLength(1);
    const meta = RepoMetadata.parse(JSON.parse(fileAt(vmRepo, naming[0]!.id, 'oo-repo.json')));
    expect(meta).toMatchObject({ managed: true, terraformModule: 'vsphere-vm', workflow: 'tfe-run' });
  });

  it('rejects a request with every reason, each naming its field, as a terminal error', async () => {
    const { report } = await commit({
      resources: [rhelOnDev, { ...rhelOnDev, os: 'beos', cpu: 99 }],
    });
    expect(report.outcome).toBe('failed');
    expect(report.error).toMatchObject({
      code: 'OO_ERR_RFM_REJECTED',
      retryable: false,
      details: {
        reasons: [
          { path: 'resources.1.os', message: expect.stringContaining('beos') },
          { path: 'resources.1.cpu', message: expect.stringContaining('between 1 and 16') },
        ],
      },
    });
  });

  it('never writes the principal token or the auth secret into git', async () => {
    await commit({
      resources: [
        { ...rhelOnDev, tags: { note: 'nothing secret here' } },
        {
          type: 'dns_record',
          zone: 'intranet.example',
          name: 'www',
          recordType: 'CNAME',
          value: 'dev-rhel9-0001.intranet.example',
        },
      ],
    });
    expect(store.tokensSeen.length).toBeGreaterThan(0);
    const secrets = [SECRET, ...store.tokensSeen];
    let scanned = 0;
    for (const repo of [vmRepo, join(dataDir, 'git', 'dns_record.git')]) {
      for (const id of git(repo, 'rev-list', '--all').split('\n').filter(Boolean)) {
        const texts = [
          git(repo, 'log', '-1', '--format=%B', id),
          ...filesAt(repo, id).map((p) => fileAt(repo, id, p)),
        ];
        for (const text of texts) {
          scanned++;
          for (const secret of secrets) expect(text).not.toContain(secret);
        }
      }
    }
    expect(scanned).toBeGreaterThan(5);
    // Nor do the work clones (their files and git config).
    const work = join(dataDir, 'rfm', 'work');
    for (const entry of readdirSync(work, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const bytes = readFileSync(join(entry.parentPath, entry.name), 'latin1');
      for (const secret of secrets) expect(bytes.includes(secret)).toBe(false);
    }
  });

  it('fails terminally when the file store has no request file', async () => {
    const runId = await bed.dispatch(
      'rfm.commit',
      { requestId: 'req_missing', fileUrl: `${store.url}/v1/files/requests/req_missing.json` },
      { retry: NO_RETRY },
    );
    const [report] = await bed.reports.waitFor(runId, 1, 30_000);
    expect(report!.error).toMatchObject({ code: 'OO_ERR_RFM_REQUEST_FILE_MISSING', retryable: false });
  });
});
