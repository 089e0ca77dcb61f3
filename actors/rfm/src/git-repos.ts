/**
 * Resource repositories: one per resource type, at the URL configured for it (file, ssh, https,
 * git://), by default a bare repository created under `<dataDir>/git/<type>.git`. RFM keeps a work
 * clone of each under `<dataDir>/rfm/work/` (one per URL) to build commits in.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';
import { rfmError } from './rfm-errors.js';

export interface GitRepos {
  /** The repository URL of a resource type (the default bare repository is created on first use). */
  urlFor(type: string): Promise<string>;
  /** A work clone of `url`, cloned on first use; `work` runs alone among the works on that URL in this process. */
  withClone<T>(url: string, work: (git: SimpleGit, dir: string) => Promise<T>): Promise<T>;
}

/** `scheme://host/path` without user info, for messages (URLs may carry tokens). */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/** What git may see of our environment: enough to run and reach remotes, never an editor or pager. */
const PASSED_ENV = [
  'PATH',
  'HOME',
  'SSH_AUTH_SOCK',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

function gitEnv(): Record<string, string> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  for (const key of PASSED_ENV) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  env.GIT_SSH_COMMAND = process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes';
  return env;
}

export function gitClient(baseDir: string, signal?: AbortSignal): SimpleGit {
  return simpleGit({
    baseDir,
    timeout: { block: 120_000 },
    // Our own GIT_SSH_COMMAND (BatchMode, or the operator's), not one a caller could inject.
    unsafe: { allowUnsafeSshCommand: true },
    ...(signal ? { abort: signal } : {}),
  }).env(gitEnv());
}

/**
 * Throws unless git runs here. Checked when the rfm actor is built: without git every commit would
 * fail, retried for minutes, instead of the actor saying so at start.
 * @throws OoError OO_ERR_RFM_GIT_MISSING
 */
export function assertGitRuns(path = process.env.PATH): void {
  const result = spawnSync('git', ['--version'], { env: { PATH: path ?? '' }, stdio: 'ignore' });
  if (result.error || result.status !== 0) {
    throw rfmError(
      'OO_ERR_RFM_GIT_MISSING',
      `git does not run here (${result.error?.message ?? `exit ${result.status}`}); the rfm actor commits resource files with it: install it (apt-get install git)`,
    );
  }
}

/** Runs a git step; a failure becomes OO_ERR_RFM_GIT_UNAVAILABLE (retryable) naming the repository. */
export async function gitStep<T>(url: string, what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    const detail = (err as Error).message.split('\n').find((l) => l.trim() !== '') ?? 'failed';
    throw rfmError(
      'OO_ERR_RFM_GIT_UNAVAILABLE',
      `git ${what} ${shownUrl(url)}: ${detail}`,
      { repo: shownUrl(url) },
      err,
    );
  }
}

export function gitRepos(dataDir: string, configured: Readonly<Record<string, string>> = {}): GitRepos {
  const root = resolve(dataDir);
  const locks = new Map<string, Promise<unknown>>();

  function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (locks.get(key) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    locks.set(key, tail);
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return run;
  }

  async function defaultRepo(type: string): Promise<string> {
    const dir = join(root, 'git', `${type}.git`);
    if (!existsSync(join(dir, 'HEAD'))) {
      await serialised(dir, async () => {
        if (existsSync(join(dir, 'HEAD'))) return;
        const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
        await mkdir(tmp, { recursive: true });
        await gitClient(tmp).raw(['init', '--bare', '--initial-branch=main', '.']);
        await rename(tmp, dir).catch(async (err) => {
          await rm(tmp, { recursive: true, force: true });
          if (!existsSync(join(dir, 'HEAD'))) throw err;
        });
      });
    }
    return dir;
  }

  async function ensureClone(url: string, dir: string): Promise<void> {
    if (existsSync(join(dir, '.git'))) return;
    const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    await mkdir(join(root, 'rfm', 'work'), { recursive: true });
    try {
      await gitStep(url, 'clone', () =>
        gitClient(join(root, 'rfm', 'work')).clone(url, tmp, ['--no-checkout']),
      );
      await rename(tmp, dir);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  return {
    async urlFor(type) {
      return configured[type] ?? (await defaultRepo(type));
    },
    withClone(url, work) {
      const dir = join(root, 'rfm', 'work', createHash('sha256').update(url).digest('hex').slice(0, 16));
      return serialised(dir, async () => {
        await ensureClone(url, dir);
        return work(gitClient(dir), dir);
      });
    },
  };
}
