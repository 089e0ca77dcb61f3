import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTsx } from '@oo/test-harness';
import { describe, expect, it } from 'vitest';

const main = new URL('../src/main.ts', import.meta.url).pathname;
const repoTemplates = new URL('../../templates', import.meta.url).pathname;

describe('oo templates validate', () => {
  it('accepts every template shipped in templates/', async () => {
    const run = spawnTsx(main, {}, ['templates', 'validate', repoTemplates]);
    expect(await run.exited()).toBe(0);
    expect(run.output()).toMatch(/\d+ valid, 0 problems/);
  });

  it('names the file, the task and the reason of each problem, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oo-bad-templates-'));
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({
        name: 'bad',
        version: 1,
        tasks: {
          a: { type: 'no.such.type' },
          b: { type: 'noop', needs: ['ghost'] },
          c: { type: 'noop', input: { x: '=input.(' } },
        },
      }),
    );
    const run = spawnTsx(main, {}, ['templates', 'validate', dir]);
    expect(await run.exited()).toBe(1);
    const out = run.output();
    expect(out).toMatch(/bad\.json: task "a".*no\.such\.type/);
    expect(out).toMatch(/bad\.json: task "b".*ghost/);
    expect(out).toMatch(/bad\.json: task "c".*input\.x/);
  });
});
