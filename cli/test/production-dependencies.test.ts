/**
 * A deployment installs OO with `npm ci --omit=dev` (deploy/systemd/oo-actor@.service): every package
 * the `oo` command loads must declare what its sources import as a dependency, and the lock must not
 * mark that package dev-only, or `oo actor` stops with ERR_MODULE_NOT_FOUND on the servers while
 * every test (which installs dev dependencies) passes. `@opentelemetry/sdk-trace-base`, imported by
 * the runtime's telemetry but declared only for its tests, did exactly that.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}

const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;

/** Workspace folders by package name. */
function workspaces(): Map<string, string> {
  const dirs = ['contracts', 'cli', 'web'];
  for (const parent of ['actors', 'handlers', 'test'])
    for (const child of readdirSync(join(ROOT, parent))) dirs.push(`${parent}/${child}`);
  return new Map(
    dirs.filter((d) => existsSync(join(ROOT, d, 'package.json'))).map((d) => [manifest(d).name, d]),
  );
}

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') ? [path] : [];
  });
}

/** Packages a file imports at run time (not `import type`), by package name. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/^import\s+(?!type\s)[^'"]*?from\s+'([^'.][^']*)'/gm),
    ...text.matchAll(/^export\s+(?!type\s)[^'"]*?from\s+'([^'.][^']*)'/gm),
    ...text.matchAll(/import\('([^'.][^']*)'\)/g),
  ].map((m) => m[1] as string);
  return specs
    .filter((s) => !s.startsWith('node:'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] as string)));
}

describe('production dependencies', () => {
  it('declares, outside devDependencies, every package the oo command loads at run time', () => {
    const byName = workspaces();
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const problems: string[] = [];
    // From the cli, through each workspace's dependencies: what a production install must hold.
    const seen = new Set<string>();
    const queue = ['@oo/cli'];
    while (queue.length > 0) {
      const name = queue.shift() as string;
      const dir = byName.get(name);
      if (!dir || seen.has(name)) continue;
      seen.add(name);
      const declared = manifest(dir).dependencies ?? {};
      queue.push(...Object.keys(declared));
      for (const file of sources(join(ROOT, dir, 'src'))) {
        for (const used of runtimeImports(file)) {
          if (used === name) continue;
          if (!(used in declared))
            problems.push(`${dir}: ${used} (imported by ${file.slice(ROOT.length)}) is not in dependencies`);
          else if (!byName.has(used) && lock.packages[`node_modules/${used}`]?.dev)
            problems.push(`package-lock.json marks ${used} dev-only, yet ${dir} needs it`);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });
});
