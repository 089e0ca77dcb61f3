/**
 * Resource repositories, cached as bare clones under one folder (one per repository URL), read at
 * an exact commit with `git cat-file` — never a checkout, so later commits cannot leak in and two
 * tasks reading different commits of one repository do not disturb each other.
 *
 * A commit not in the cache is fetched (every branch and tag), then, if still missing, asked for by
 * id. Clone and fetch of one repository are serialised in this process; a clone goes to a temp
 * folder renamed into place, so a crash never leaves a half clone behind. Git runs with a small
 * environment and never prompts; error messages never carry credentials of the URL.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OoError } from '@oo/contracts';
import { type SimpleGit, simpleGit } from 'simple-git';

export interface GitCache {
  /**
   * Makes sure `commit` is in the cache, fetching when it is not. Throws OO_ERR_AWX_GIT_UNAVAILABLE
   * (retryable) when the repository cannot be cloned or fetched, OO_ERR_AWX_GIT_COMMIT_MISSING
   * (terminal) when it has no such commit.
   */
  ensureCommit(repo: string, commit: string, signal?: AbortSignal): Promise<void>;
  /** The file at that commit (after `ensureCommit`); undefined when the commit has no such file. */
  readAt(repo: string, commit: string, path: string, signal?: AbortSignal): Promise<string | undefined>;
}

export interface GitCacheOptions {
  /** A git command silent this long is killed (ms, default 120,000). */
  blockTimeoutMs?: number;
}

export function gitCache(dir: string, options: GitCacheOptions = {}): GitCache {
  const locks = new Map<string, Promise<unknown>>();
  const block = options.blockTimeoutMs ?? 120_000;
  const env = gitEnv(process.env);
  const git = (baseDir: string, signal?: AbortSignal): SimpleGit =>
    simpleGit({
      baseDir,
      timeout: { block },
      // Our own GIT_SSH_COMMAND (BatchMode, or the operator's), not one a caller could inject.
      unsafe: { allowUnsafeSshCommand: true },
      ...(signal ? { abort: signal } : {}),
    }).env(env);

  /** Runs `work` after every earlier work on the same repository (in this process). */
  function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = locks.get(key) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => undefined);
    locks.set(key, tail);
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return run;
  }

  const hasCommit = async (repoDir: string, commit: string, signal?: AbortSignal) => {
    try {
      const type = await git(repoDir, signal).raw(['cat-file', '-t', commit]);
      return type.trim() === 'commit';
    } catch {
      return false;
    }
  };

  async function clone(repo: string, repoDir: string, signal?: AbortSignal): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = `${repoDir}.tmp-${randomBytes(4).toString('hex')}`;
    try {
      await git(dir, signal).clone(repo, temp, ['--bare', '--quiet']);
      await rename(temp, repoDir);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }

  return {
    ensureCommit(repo, commit, signal) {
      checkRepo(repo);
      const repoDir = repoDirOf(dir, repo);
      return serialised(repoDir, async () => {
        try {
          if (!(await exists(repoDir))) await clone(repo, repoDir, signal);
          if (await hasCommit(repoDir, commit, signal)) return;
          const g = git(repoDir, signal);
          await g.raw([
            'fetch',
            '--quiet',
            '--prune',
            'origin',
            '+refs/heads/*:refs/heads/*',
            '+refs/tags/*:refs/tags/*',
          ]);
          if (await hasCommit(repoDir, commit, signal)) return;
          // Not on a branch any more (or a server that hides it): ask for the commit itself.
          await g.raw(['fetch', '--quiet', 'origin', commit]).catch(() => undefined);
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          throw new OoError(
            'OO_ERR_AWX_GIT_UNAVAILABLE',
            `cannot fetch ${redactRepo(repo)}: ${scrub(error, repo)}`,
            { details: { repo: redactRepo(repo) } },
          );
        }
        if (!(await hasCommit(repoDir, commit, signal))) {
          throw new OoError(
            'OO_ERR_AWX_GIT_COMMIT_MISSING',
            `repository ${redactRepo(repo)} has no commit ${commit}`,
            { details: { repo: redactRepo(repo), commit } },
          );
        }
      });
    },
    async readAt(repo, commit, path, signal) {
      const g = git(repoDirOf(dir, repo), signal);
      const object = `${commit}:${path}`;
      let type: string;
      try {
        type = (await g.raw(['cat-file', '-t', object])).trim();
      } catch {
        // The commit is there (ensureCommit), so the path is not.
        return undefined;
      }
      if (type !== 'blob') return undefined;
      return g.raw(['cat-file', 'blob', object]);
    },
  };
}

/** Inherited variables git needs to find its config, keys, proxies and CA bundle. */
const PASSED_ENV = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'SSH_AUTH_SOCK',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
];

/**
 * A small environment for git: what it needs, no prompts (GIT_TERMINAL_PROMPT=0, ssh BatchMode),
 * and none of the editor, pager or askpass variables simple-git refuses to pass on.
 */
function gitEnv(from: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
  for (const key of PASSED_ENV) {
    const value = from[key];
    if (value !== undefined) env[key] = value;
  }
  env.GIT_SSH_COMMAND = from.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes';
  return env;
}

/** One folder per repository URL; the hash keeps credentials and odd characters out of paths. */
function repoDirOf(dir: string, repo: string): string {
  return join(dir, `${createHash('sha256').update(repo).digest('hex').slice(0, 32)}.git`);
}

function checkRepo(repo: string): void {
  if (repo.startsWith('-') || /[\0\n\r]/.test(repo)) {
    throw new OoError('OO_ERR_AWX_GIT_UNAVAILABLE', 'repository URL is not a URL or path', {
      retryable: false,
    });
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/** The URL without the user and password of an http(s) URL (a token often sits there). */
export function redactRepo(repo: string): string {
  const url = httpUrl(repo);
  if (url === undefined || (url.username === '' && url.password === '')) return repo;
  url.username = '';
  url.password = '';
  return url.toString();
}

/** An error's message with the URL's credentials taken out. */
function scrub(error: unknown, repo: string): string {
  const message = (error instanceof Error ? error.message : String(error)).trim();
  let clean = message.split(repo).join(redactRepo(repo));
  const url = httpUrl(repo);
  for (const secret of [url?.password, url?.username]) {
    if (secret) clean = clean.split(secret).join('***');
  }
  return clean.length > 1_000 ? `${clean.slice(0, 1_000)}…` : clean;
}

function httpUrl(repo: string): URL | undefined {
  try {
    const url = new URL(repo);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
