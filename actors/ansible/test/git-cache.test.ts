/** The git cache's failures: what a caller (and a log) sees never holds the URL's credentials. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OoError } from '@oo/contracts';
import { describe, expect, it } from 'vitest';
import { gitCache, redactRepo } from '../src/git-cache.js';

describe('git cache', () => {
  it('git cache - reports an unreachable repository as retryable, without the token of its URL', async () => {
    const cache = gitCache(mkdtempSync(join(tmpdir(), 'oo-git-cache-')));
    const repo = 'http://oo-bot:s3cr3t-t0ken@127.0.0.1:1/resources.git';
    const error = await cache.ensureCommit(repo, 'a'.repeat(40)).then(
      () => undefined,
      (e: OoError) => e,
    );
    expect(error).toMatchObject({ code: 'OO_ERR_AWX_GIT_UNAVAILABLE', retryable: true });
    expect(JSON.stringify({ message: error?.message, details: error?.details })).not.toMatch(/s3cr3t|oo-bot/);
  });

  it('git cache - shows http(s) URLs without user and password, other URLs as they are', () => {
    expect(redactRepo('https://oo-bot:tok@git.example.com/r.git')).toBe('https://git.example.com/r.git');
    expect(redactRepo('git@git.example.com:team/r.git')).toBe('git@git.example.com:team/r.git');
  });
});
