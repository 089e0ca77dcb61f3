/**
 * One commit per request in a resource repository, pushed to `main`, and never two for the same
 * content: before committing, the remote's history is searched for a commit naming the request
 * whose files are the same (a redelivered or rerun task returns it). A commit is first recorded under
 * `refs/oo/pending/<requestId>` in the work clone, then pushed; a process killed in between finds
 * it there on redelivery and pushes it (rebuilt on top of the remote's head when that moved on).
 * A push losing a race with another replica fetches and builds the commit again on the new head.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { type GitRepos, gitStep, shownUrl } from './git-repos.js';
import { rfmError } from './rfm-errors.js';

export interface RepoFile {
  /** Path in the repository, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

export interface CommitRequest {
  readonly repo: string;
  readonly requestId: string;
  readonly traceId: string;
  readonly files: readonly RepoFile[];
}

export interface CommitHooks {
  /** Called once the commit is recorded locally, before the push (fault tests kill the process here). */
  afterLocalCommit?(commit: string): void | Promise<void>;
}

const BRANCH = 'main';
const REMOTE_HEAD = `refs/remotes/origin/${BRANCH}`;
const PUSH_TRIES = 5;
const IDENTITY = ['-c', 'user.name=OO RFM', '-c', 'user.email=rfm@oo.invalid'];

export function commitMessage(requestId: string, traceId: string): string {
  return `OO request ${requestId}\n\nTrace-Id: ${traceId}\n`;
}

async function revParse(git: SimpleGit, ref: string): Promise<string | undefined> {
  try {
    return (await git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function sameFiles(git: SimpleGit, commit: string, files: readonly RepoFile[]): Promise<boolean> {
  for (const file of files) {
    const stored = await git.raw(['show', `${commit}:${file.path}`]).catch(() => undefined);
    if (stored !== file.content) return false;
  }
  return true;
}

/** A commit in `range` naming the request with the same files. */
async function findCommitted(
  git: SimpleGit,
  range: string,
  request: CommitRequest,
): Promise<string | undefined> {
  const out = await git.raw(['log', '--format=%H', '-F', `--grep=OO request ${request.requestId}`, range]);
  for (const commit of out.split('\n').filter(Boolean)) {
    const subject = (await git.raw(['log', '-1', '--format=%s', commit])).trim();
    if (subject === `OO request ${request.requestId}` && (await sameFiles(git, commit, request.files)))
      return commit;
  }
  return undefined;
}

async function isAncestor(git: SimpleGit, ancestor: string, of: string): Promise<boolean> {
  try {
    await git.raw(['merge-base', '--is-ancestor', ancestor, of]);
    return true;
  } catch {
    return false;
  }
}

/** Builds the commit on top of `parent` (or as the first commit) in the work tree. */
async function buildCommit(git: SimpleGit, dir: string, parent: string | undefined, request: CommitRequest) {
  if (parent) await git.raw(['checkout', '--detach', '--force', parent]);
  else await git.raw(['read-tree', '--empty']);
  await git.raw(['clean', '-fdxq']);
  for (const file of request.files) {
    const path = join(dir, ...file.path.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content);
  }
  await git.raw(['add', '--', ...request.files.map((f) => f.path)]);
  const tree = (await git.raw(['write-tree'])).trim();
  const args = [...IDENTITY, 'commit-tree', tree, ...(parent ? ['-p', parent] : [])];
  args.push('-m', commitMessage(request.requestId, request.traceId));
  return (await git.raw(args)).trim();
}

type PushResult = 'pushed' | 'behind';

async function push(git: SimpleGit, url: string, commit: string): Promise<PushResult> {
  try {
    await git.raw(['push', '--porcelain', 'origin', `${commit}:refs/heads/${BRANCH}`]);
    return 'pushed';
  } catch (err) {
    const text = (err as Error).message;
    if (/non-fast-forward|fetch first|rejected|stale info/i.test(text)) return 'behind';
    return gitStep(url, 'push to', () => Promise.reject(err));
  }
}

/** Commits and pushes the request's files; resolves with the commit id on the remote's `main`. */
export async function commitRequest(
  repos: GitRepos,
  request: CommitRequest,
  hooks: CommitHooks = {},
): Promise<string> {
  const { repo: url } = request;
  const pending = `refs/oo/pending/${request.requestId}`;
  return repos.withClone(url, async (git, dir) => {
    for (let attempt = 1; attempt <= PUSH_TRIES; attempt++) {
      await gitStep(url, 'fetch', () => git.raw(['fetch', '--quiet', '--prune', 'origin']));
      const head = await revParse(git, REMOTE_HEAD);
      if (head) {
        const done = await findCommitted(git, head, request);
        if (done) {
          await git.raw(['update-ref', '-d', pending]).catch(() => undefined);
          return done;
        }
      }
      let commit = await revParse(git, pending);
      const reusable =
        commit !== undefined &&
        (await sameFiles(git, commit, request.files)) &&
        (head === undefined || (await isAncestor(git, head, commit)));
      if (!reusable) {
        commit = await buildCommit(git, dir, head, request);
        await git.raw(['update-ref', pending, commit]);
        await hooks.afterLocalCommit?.(commit);
      }
      if ((await push(git, url, commit!)) === 'pushed') {
        await git.raw(['update-ref', '-d', pending]).catch(() => undefined);
        return commit!;
      }
    }
    throw rfmError(
      'OO_ERR_RFM_GIT_UNAVAILABLE',
      `git push to ${shownUrl(url)}: lost the race ${PUSH_TRIES} times`,
      {
        repo: shownUrl(url),
      },
    );
  });
}
