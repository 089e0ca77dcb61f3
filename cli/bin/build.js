#!/usr/bin/env node
// The compiled build: every workspace package's src/*.ts as dist/*.js, file for file (no bundling,
// so paths relative to a module, like ../migrations, still hold). Processes started with
// `--conditions=oo-compiled` resolve @oo/* packages to it and need no TypeScript loader: tsx's loader
// thread costs ~30 MB per process. `oo` builds it when it is missing or older than the sources;
// `npm run build` (this file) builds it outright.
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STAMP = '.oo-built';

/** Folders of the workspace packages that have a src/ (from the root package.json). */
function packageDirs(root) {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dirs = [];
  for (const pattern of workspaces) {
    const candidates = pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(root, pattern.slice(0, -2), e.name))
      : [join(root, pattern)];
    for (const dir of candidates) {
      if (statSync(join(dir, 'src'), { throwIfNoEntry: false })?.isDirectory()) dirs.push(dir);
    }
  }
  return dirs;
}

/** The .ts files under `dir`, and the newest change there (a folder's time moves when files come or go). */
function sources(dir, found = { files: [], newestMs: 0 }) {
  found.newestMs = Math.max(found.newestMs, statSync(dir).mtimeMs);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, found);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      found.files.push(path);
      found.newestMs = Math.max(found.newestMs, statSync(path).mtimeMs);
    }
  }
  return found;
}

function isFresh(dir, newestMs) {
  const stamp = statSync(join(dir, 'dist', STAMP), { throwIfNoEntry: false });
  return stamp !== undefined && stamp.mtimeMs >= newestMs;
}

function staleOf(root, force) {
  const stale = [];
  for (const dir of packageDirs(root)) {
    const found = sources(join(dir, 'src'));
    if (force || !isFresh(dir, found.newestMs)) stale.push({ dir, ...found });
  }
  return stale;
}

const LOCK_STALE_MS = 60_000;

/**
 * One builder at a time per workspace (several `oo actor` processes may start together after an
 * update): a lock folder, taken over when its holder left it behind for a minute.
 */
async function lockBuild(root) {
  const lock = join(root, 'node_modules', '.cache', 'oo-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (const until = Date.now() + 5 * LOCK_STALE_MS; Date.now() < until; ) {
    try {
      mkdirSync(lock);
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`oo build: ${lock} stays taken; remove it if no build is running`);
}

/** Builds in progress in this process (each of another root: one root's builds take turns). */
let building = 0;

/** Builds the packages whose dist/ is missing or stale; returns how many it built. */
export async function ensureBuilt({ root = ROOT, force = false } = {}) {
  if (!force && staleOf(root, false).length === 0) return 0;
  const unlock = await lockBuild(root);
  try {
    // Looked at again under the lock: another process may have built it while this one waited.
    const stale = staleOf(root, force);
    if (stale.length === 0) return 0;
    const { build, stop } = await import('esbuild');
    building++;
    try {
      await buildEach(stale, build);
    } finally {
      // esbuild keeps its service process for a next build, which `oo` never makes: stopped, it
      // does not live on beside `oo up`. (Not while another root builds in this process.)
      if (--building === 0) await stop();
    }
    return stale.length;
  } finally {
    unlock();
  }
}

/** Builds each stale package's dist/ beside it, then swaps it in. */
async function buildEach(stale, build) {
  for (const { dir, files, newestMs } of stale) {
    // Written beside and swapped in, so a process reading the old dist/ never sees half a build.
    const next = join(dir, `dist.${process.pid}`);
    await build({
      entryPoints: files,
      outdir: next,
      outbase: join(dir, 'src'),
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
    // The stamp is never older than the sources it stands for, even ones dated ahead of this clock.
    const stamp = join(next, STAMP);
    writeFileSync(stamp, '');
    // (1 ms past it: a time set in seconds may land a fraction of a millisecond short.)
    if (newestMs >= statSync(stamp).mtimeMs) utimesSync(stamp, (newestMs + 1) / 1000, (newestMs + 1) / 1000);
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    renameSync(next, join(dir, 'dist'));
  }
}

/** Whether this process was started to run the compiled build. */
export function compiledRequested() {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return args.some(
    (arg, i) =>
      arg === '--conditions=oo-compiled' ||
      arg === '-C=oo-compiled' ||
      ((arg === '--conditions' || arg === '-C') && args[i + 1] === 'oo-compiled'),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await ensureBuilt({ force: process.argv.includes('--force') });
  process.stdout.write(`oo build: ${built} package(s) compiled to dist/\n`);
}
