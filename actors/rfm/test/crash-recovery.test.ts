import { join } from 'node:path';
import { type ChildHandle, spawnTsx } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestbed, type Testbed } from '../../runtime/test/fixtures/task-testbed.js';
import { postgres, type TestDb } from './fixtures/databases.js';
import { startFilestore, type TestFilestore } from './fixtures/filestore.js';
import { commitsOf, tempDir } from './fixtures/git.js';
import { requestFile, rhelOnDev } from './fixtures/requests.js';

const SECRET = 'rfm-crash-secret-0123456789abcdef-XYZ';
const PROCESS = new URL('./fixtures/rfm-process.ts', import.meta.url).pathname;

let bed: Testbed;
let store: TestFilestore;
let t: TestDb;
let child: ChildHandle | undefined;
const dataDir = tempDir();

beforeAll(async () => {
  [bed, store, t] = await Promise.all([startTestbed(), startFilestore(SECRET), postgres.open()]);
});
afterAll(async () => {
  await child?.kill();
  await bed?.stop();
  await store?.close();
  await t?.release();
});

function startRfm(crash: boolean): ChildHandle {
  return spawnTsx(PROCESS, {
    NATS_URL: bed.nats.url,
    RFM_DATA_DIR: dataDir,
    RFM_AUTH_SECRET: SECRET,
    RFM_DATABASE_URL: t.url!,
    RFM_DATABASE_SCHEMA: t.schema!,
    RFM_CRASH_AFTER_COMMIT: crash ? '1' : '0',
  });
}

describe('rfm.commit after kill -9', () => {
  it('pushes the commit made before the crash, once, when the task is redelivered', async () => {
    const file = requestFile({ resources: [rhelOnDev] });
    const fileUrl = store.put(file);
    const repo = join(dataDir, 'git', 'virtual_machine.git');

    child = startRfm(true);
    await child.waitForLine(/^ready$/, 60_000);
    const runId = await bed.dispatch('rfm.commit', { requestId: file.requestId, fileUrl });
    const line = await child.waitForLine(/^committed /, 60_000);
    await child.exited();
    const localCommit = line.split(' ')[1]!;
    expect(commitsOf(repo)).toEqual([]); // killed before the push

    child = startRfm(false);
    const [report] = await bed.reports.waitFor(runId, 1, 90_000);
    expect(report).toMatchObject({ outcome: 'succeeded', output: { repo, commit: localCommit } });
    const commits = commitsOf(repo);
    expect(commits.map((c) => c.id)).toEqual([localCommit]);
    expect(commits[0]!.message).toContain(`OO request ${file.requestId}`);
  });
});
