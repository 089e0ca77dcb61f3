import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertGitRuns, commitRequest, gitRepos } from '../src/index.js';
import { bareRepo, commitsOf, fileAt, filesAt, startGitDaemon, tempDir } from './fixtures/git.js';

const files = (name: string, body = '{}\n') => [
  { path: `virtual_machine/${name}.json`, content: body },
  { path: 'oo-repo.json', content: '{ "formatVersion": 1 }\n' },
];

describe('commitRequest', () => {
  it('creates the default bare repository and pushes one commit naming the request and trace', async () => {
    const dataDir = tempDir();
    const repos = gitRepos(dataDir);
    const repo = await repos.urlFor('virtual_machine');
    expect(repo).toBe(join(dataDir, 'git', 'virtual_machine.git'));
    const commit = await commitRequest(repos, {
      repo,
      requestId: 'req_1',
      traceId: 'abc',
      files: files('vm1'),
    });
    expect(commitsOf(repo)).toEqual([{ id: commit, message: 'OO request req_1\n\nTrace-Id: abc' }]);
    expect(filesAt(repo, commit)).toEqual(['oo-repo.json', 'virtual_machine/vm1.json']);
  });

  it('returns the existing commit for a redelivered request with the same files', async () => {
    const dataDir = tempDir();
    const repos = gitRepos(dataDir);
    const repo = await repos.urlFor('virtual_machine');
    const request = { repo, requestId: 'req_2', traceId: 't', files: files('vm2') };
    const first = await commitRequest(repos, request);
    await commitRequest(repos, { repo, requestId: 'req_3', traceId: 't', files: files('vm3') });
    // Another replica with a clone of its own finds it too.
    expect(await commitRequest(gitRepos(tempDir()), { ...request })).toBe(first);
    expect(await commitRequest(repos, request)).toBe(first);
    expect(commitsOf(repo).map((c) => c.message.split('\n')[0])).toEqual([
      'OO request req_3',
      'OO request req_2',
    ]);
  });

  it('keeps the files of earlier requests', async () => {
    const repos = gitRepos(tempDir());
    const repo = await repos.urlFor('virtual_machine');
    await commitRequest(repos, { repo, requestId: 'req_a', traceId: 't', files: files('a') });
    const second = await commitRequest(repos, { repo, requestId: 'req_b', traceId: 't', files: files('b') });
    expect(filesAt(repo, second)).toEqual([
      'oo-repo.json',
      'virtual_machine/a.json',
      'virtual_machine/b.json',
    ]);
  });

  it('builds on the head another replica pushed', async () => {
    const repo = bareRepo(join(tempDir(), 'race.git'));
    const one = gitRepos(tempDir(), { virtual_machine: repo });
    const two = gitRepos(tempDir(), { virtual_machine: repo });
    await commitRequest(one, { repo, requestId: 'req_x', traceId: 't', files: files('x') });
    await commitRequest(two, { repo, requestId: 'req_y', traceId: 't', files: files('y') });
    const third = await commitRequest(one, { repo, requestId: 'req_z', traceId: 't', files: files('z') });
    expect(filesAt(repo, third)).toContain('virtual_machine/y.json');
    expect(commitsOf(repo)).toHaveLength(3);
  });

  describe('over git:// (git daemon)', () => {
    const base = tempDir('oo-rfm-daemon-');
    const daemon = startGitDaemon(base);
    afterAll(async () => {
      await (await daemon).stop();
    });

    it('clones, commits and pushes to a networked remote', async () => {
      bareRepo(join(base, 'vms.git'));
      const url = (await daemon).url('vms.git');
      const repos = gitRepos(tempDir(), { virtual_machine: url });
      expect(await repos.urlFor('virtual_machine')).toBe(url);
      const commit = await commitRequest(repos, {
        repo: url,
        requestId: 'req_net',
        traceId: 't',
        files: files('net', '{"a":1}\n'),
      });
      expect(fileAt(join(base, 'vms.git'), commit, 'virtual_machine/net.json')).toBe('{"a":1}\n');
      expect(
        await commitRequest(repos, {
          repo: url,
          requestId: 'req_net',
          traceId: 't',
          files: files('net', '{"a":1}\n'),
        }),
      ).toBe(commit);
    });
  });
});

describe('rfm - git on PATH', () => {
  it('says at start, naming the package, when git does not run', () => {
    expect(() => assertGitRuns('/nonexistent')).toThrow(
      expect.objectContaining({
        code: 'OO_ERR_RFM_GIT_MISSING',
        message: expect.stringContaining('apt-get install git'),
      }),
    );
    expect(() => assertGitRuns()).not.toThrow();
  });
});
