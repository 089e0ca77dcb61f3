/**
 * Files of a git repository at an exact commit, read from a local mirror kept in a cache folder (one
 * bare mirror per repository URL). Reading is `git show <commit>:<path>`: the commit's blob, never a
 * working tree or a branch tip, so later commits cannot change what a task reads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OoError } from '@oo/contracts';
import { type SimpleGit, simpleGit } from 'simple-git';

/** One chain per mirror folder: clones and fetches of one repository do not overlap in a process. */
const locks = new Map<string, Promise<unknown>>();

function exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  locks.set(key, settled);
  void settled.then(() => {
    if (locks.get(key) === settled) locks.delete(key);
  });
  return next;
}

/**
 * The content of each of `paths` at `commit`, as UTF-8, keyed by path. Clones the repository into
 * `cacheDir` on first use and fetches when the commit is not there yet. Throws
 * OO_ERR_TFE_COMMIT_NOT_FOUND (terminal) when the commit or a path does not exist, and
 * OO_ERR_TFE_REPO_UNAVAILABLE (retryable) when git cannot reach the repository.
 */
export async function readFilesAtCommit(
  cacheDir: string,
  repo: string,
  commit: string,
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  if (repo.startsWith('-')) throw notFound(repo, commit, `repository "${repo}" is not a URL or path`);
  for (const path of paths) checkPath(repo, commit, path);
  const dir = join(cacheDir, `${createHash('sha256').update(repo).digest('hex').slice(0, 24)}.git`);
  const git = await exclusive(dir, () => mirrorWith(cacheDir, dir, repo, commit, signal));
  const files: Record<string, string> = {};
  for (const path of paths) {
    try {
      files[path] = await git.show([`${commit}:${path}`]);
    } catch (error) {
      throw notFound(repo, commit, `${path} does not exist at commit ${commit}`, { path, cause: error });
    }
  }
  return files;
}

async function mirrorWith(
  cacheDir: string,
  dir: string,
  repo: string,
  commit: string,
  signal: AbortSignal | undefined,
): Promise<SimpleGit> {
  if (!existsSync(dir)) {
    await mkdir(cacheDir, { recursive: true });
    // Cloned aside and renamed into place, so a crash never leaves a half clone where a mirror belongs.
    const aside = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await gitIn(cacheDir, signal).clone(repo, aside, ['--mirror', '--quiet']);
      await rename(aside, dir).catch(async (error: unknown) => {
        if (!existsSync(dir)) throw error;
      });
    } catch (error) {
      throw unavailable(repo, 'clone', error);
    } finally {
      await rm(aside, { recursive: true, force: true });
    }
  }
  const git = gitIn(dir, signal);
  if (await hasCommit(git, commit)) return git;
  try {
    await git.fetch(['--prune', '--quiet', 'origin']);
  } catch (error) {
    throw unavailable(repo, 'fetch', error);
  }
  if (await hasCommit(git, commit)) return git;
  // Not on any ref (a force-push moved the branch): servers that allow it still give the object.
  await git.fetch(['--quiet', 'origin', commit]).catch(() => undefined);
  if (await hasCommit(git, commit)) return git;
  throw notFound(repo, commit, `commit ${commit} is not in ${safeRepoLabel(repo)}`);
}

/**
 * Environment variables simple-git refuses to pass on (they can make git run other programs); the
 * runner's own environment may hold some (EDITOR, PAGER), so they are left out rather than failing.
 */
const REFUSED_ENV = new Set([
  'editor',
  'pager',
  'prefix',
  'ssh_askpass',
  'git_askpass',
  'git_config',
  'git_config_global',
  'git_config_system',
  'git_config_count',
  'git_editor',
  'git_exec_path',
  'git_external_diff',
  'git_pager',
  'git_proxy_command',
  'git_template_dir',
  'git_sequence_editor',
  'git_ssh',
  'git_ssh_command',
]);

function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !REFUSED_ENV.has(key.toLowerCase())) env[key] = value;
  }
  // Never wait for a password prompt nobody will answer.
  env.GIT_TERMINAL_PROMPT = '0';
  return env;
}

function gitIn(baseDir: string, signal: AbortSignal | undefined): SimpleGit {
  const git = simpleGit({ baseDir, timeout: { block: 120_000 }, ...(signal ? { abort: signal } : {}) });
  return git.env(gitEnv());
}

async function hasCommit(git: SimpleGit, commit: string): Promise<boolean> {
  try {
    await git.raw(['cat-file', '-e', `${commit}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

function checkPath(repo: string, commit: string, path: string): void {
  const parts = path.split('/');
  if (
    path === '' ||
    path.startsWith('/') ||
    path.startsWith('-') ||
    parts.some((p) => p === '..' || p === '')
  ) {
    throw notFound(
      repo,
      commit,
      `path ${JSON.stringify(path)} is not a relative path inside the repository`,
      {
        path,
      },
    );
  }
}

/** The repository for messages and logs: an URL's credentials never appear. */
export function safeRepoLabel(repo: string): string {
  return repo.replace(/\/\/[^/@\s]*@/g, '//');
}

function redactCredentials(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/g, '//***@');
}

function unavailable(repo: string, step: string, error: unknown): OoError {
  const why = redactCredentials(error instanceof Error ? error.message : String(error)).trim();
  return new OoError('OO_ERR_TFE_REPO_UNAVAILABLE', `git ${step} of ${safeRepoLabel(repo)} failed: ${why}`, {
    retryable: true,
    details: { repo: safeRepoLabel(repo), step },
  });
}

function notFound(
  repo: string,
  commit: string,
  message: string,
  extra: { path?: string; cause?: unknown } = {},
): OoError {
  return new OoError('OO_ERR_TFE_COMMIT_NOT_FOUND', message, {
    retryable: false,
    details: { repo: safeRepoLabel(repo), commit, ...(extra.path === undefined ? {} : { path: extra.path }) },
    ...(extra.cause === undefined ? {} : { cause: extra.cause }),
  });
}
