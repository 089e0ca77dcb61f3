import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEPLOYED_NODE_FLAGS } from '@oo/test-harness';
import { describe, expect, it } from 'vitest';
import { ensureBuilt } from '../bin/build.js';

const run = promisify(execFile);
const ooBin = new URL('../bin/oo.js', import.meta.url).pathname;
const repoTemplates = new URL('../../templates', import.meta.url).pathname;

/** The command lines of this process's children, of any of its threads (Linux /proc). */
function childCommands(): string[] {
  const tasks = readdirSync(`/proc/${process.pid}/task`);
  const children = tasks.flatMap((task) =>
    readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim().split(' '),
  );
  return children
    .filter((pid) => pid !== '')
    .map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
}

/** A workspace of two packages, one with a nested source folder. */
function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'oo-build-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ workspaces: ['pkgs/*', 'tool'] }));
  mkdirSync(join(root, 'pkgs', 'a', 'src', 'deep'), { recursive: true });
  writeFileSync(join(root, 'pkgs', 'a', 'src', 'index.ts'), "export { twice } from './deep/twice.js';\n");
  writeFileSync(
    join(root, 'pkgs', 'a', 'src', 'deep', 'twice.ts'),
    'export const twice = (n: number): number => n * 2;\n',
  );
  mkdirSync(join(root, 'tool', 'src'), { recursive: true });
  writeFileSync(join(root, 'tool', 'src', 'main.ts'), 'const x: string = "tool";\nexport default x;\n');
  return root;
}

describe('the compiled build', () => {
  it('compiles each package file for file, and again only the packages whose sources changed', async () => {
    const root = workspace();
    try {
      expect(await ensureBuilt({ root })).toBe(2);
      const twice = await import(join(root, 'pkgs', 'a', 'dist', 'index.js'));
      expect(twice.twice(21)).toBe(42);
      expect(readFileSync(join(root, 'tool', 'dist', 'main.js'), 'utf8')).not.toMatch(/: string/);
      expect(await ensureBuilt({ root })).toBe(0);

      // An edited file (here: dated later), then a removed one: each rebuilds only its package.
      const later = new Date(Date.now() + 60_000);
      utimesSync(join(root, 'tool', 'src', 'main.ts'), later, later);
      expect(await ensureBuilt({ root })).toBe(1);
      rmSync(join(root, 'pkgs', 'a', 'src', 'deep', 'twice.ts'));
      const deep = join(root, 'pkgs', 'a', 'src', 'deep');
      utimesSync(deep, new Date(Date.now() + 120_000), new Date(Date.now() + 120_000));
      expect(await ensureBuilt({ root })).toBe(1);
      expect(existsSync(join(root, 'pkgs', 'a', 'dist', 'deep', 'twice.js'))).toBe(false);
      // esbuild's service process does not outlive the build. Its stop() kills the process without
      // waiting for it to exit: it is gone once this process has reaped it, a moment later.
      await expect
        .poll(() => childCommands().filter((c) => c.includes('esbuild')), { timeout: 5_000 })
        .toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('lets one of several builders at once build, and takes over a lock left behind', async () => {
    const root = workspace();
    try {
      const built = await Promise.all([ensureBuilt({ root }), ensureBuilt({ root }), ensureBuilt({ root })]);
      expect(built.reduce((a, b) => a + b, 0)).toBe(2);

      const lock = join(root, 'node_modules', '.cache', 'oo-build.lock');
      mkdirSync(lock);
      const anHourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(lock, anHourAgo, anHourAgo);
      expect(await ensureBuilt({ root, force: true })).toBe(2);
      expect(existsSync(lock)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs `oo` executed directly from the compiled build, rebuilding what is stale first', async () => {
    await ensureBuilt();
    // Dated back: the cli package now looks stale, and only the compiled path builds.
    const stamp = new URL('../dist/.oo-built', import.meta.url).pathname;
    utimesSync(stamp, new Date('2001-01-01'), new Date('2001-01-01'));
    // The shebang's node flags are the ones every compiled process of the tests runs with.
    const shebang = readFileSync(ooBin, 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${DEPLOYED_NODE_FLAGS.join(' ')}`);
    // Executed as `npx oo` executes it: the shebang asks for --conditions=oo-compiled. Every
    // command's modules load on the way, so one import resolving to a .ts file would fail here.
    const { stdout } = await run(ooBin, ['templates', 'validate', repoTemplates]);
    expect(stdout).toMatch(/\d+ valid, 0 problems/);
    expect(statSync(stamp).mtimeMs).toBeGreaterThan(Date.parse('2001-01-02'));
  });

  it('resolves @oo packages to their dist/ under the oo-compiled condition, and to src/ otherwise', async () => {
    const resolve = (conditions: string[]) =>
      run(
        process.execPath,
        [...conditions, '--input-type=module', '-e', "console.log(import.meta.resolve('@oo/engine'))"],
        {
          cwd: new URL('..', import.meta.url).pathname,
        },
      );
    expect((await resolve(['--conditions=oo-compiled'])).stdout).toMatch(/actors\/engine\/dist\/index\.js/);
    expect((await resolve([])).stdout).toMatch(/actors\/engine\/src\/index\.ts/);
  });
});
