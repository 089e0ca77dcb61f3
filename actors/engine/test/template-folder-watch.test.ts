import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@oo/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { type TemplatesFolderWatch, templatesFolderSignature, watchTemplatesFolder } from '../src/index.js';

const folders: string[] = [];
let watch: TemplatesFolderWatch | undefined;
afterEach(() => {
  watch?.close();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oo-watch-'));
  folders.push(dir);
  return dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Watches `dir` as it is now; the result tells how many changes were told so far. */
async function countChanges(dir: string, checkMs: number): Promise<() => number> {
  let changes = 0;
  watch = watchTemplatesFolder(
    dir,
    await templatesFolderSignature(dir),
    async () => {
      changes++;
    },
    { checkMs },
  );
  return () => changes;
}

describe('templates folder watch', () => {
  it('signature changes with a .json file added, rewritten or removed, and not with other files', async () => {
    const dir = folder();
    const empty = await templatesFolderSignature(dir);
    writeFileSync(join(dir, 'a.json'), '{}');
    const added = await templatesFolderSignature(dir);
    expect(added).not.toBe(empty);
    writeFileSync(join(dir, 'notes.txt'), 'not a template');
    expect(await templatesFolderSignature(dir)).toBe(added);
    // Same size, another modification time: an edit the size alone would miss.
    writeFileSync(join(dir, 'a.json'), '[]');
    utimesSync(join(dir, 'a.json'), new Date(), new Date(Date.now() + 5_000));
    expect(await templatesFolderSignature(dir)).not.toBe(added);
    rmSync(join(dir, 'a.json'));
    expect(await templatesFolderSignature(dir)).toBe(empty);
    expect(await templatesFolderSignature(join(dir, 'missing'))).toBe('unreadable: ENOENT');
  });

  it('tells a burst of writes as one change, soon after the last one', async () => {
    const dir = folder();
    const changes = await countChanges(dir, 60_000);
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `t${i}.json`), '{}');
    await waitFor(() => changes() > 0, { what: 'the change to be told' });
    await sleep(400);
    expect(changes()).toBe(1);
  });

  it('looks now when asked, the change taken by the time it resolves, and once only', async () => {
    const dir = folder();
    const changes = await countChanges(dir, 60_000);
    writeFileSync(join(dir, 'a.json'), '{}');
    await watch?.lookNow();
    expect(changes()).toBe(1);
    await sleep(400);
    expect(changes()).toBe(1);
  });

  it('does not tell an event that changed nothing it reads', async () => {
    const dir = folder();
    const changes = await countChanges(dir, 100);
    writeFileSync(join(dir, 'README.md'), 'hello');
    await sleep(500);
    expect(changes()).toBe(0);
  });

  it('tries a change again at the next look when taking it failed', async () => {
    const dir = folder();
    const errors: unknown[] = [];
    let calls = 0;
    watch = watchTemplatesFolder(
      dir,
      await templatesFolderSignature(dir),
      async () => {
        calls++;
        if (calls === 1) throw new Error('NATS out of reach');
      },
      { checkMs: 100, onError: (err) => errors.push(err) },
    );
    writeFileSync(join(dir, 'a.json'), '{}');
    await waitFor(() => calls >= 2, { what: 'the change to be tried again' });
    await sleep(300);
    expect(calls).toBe(2);
    expect(errors).toEqual([new Error('NATS out of reach')]);
  });

  it('sees a folder that did not exist when the watch began', async () => {
    const dir = join(folder(), 'later');
    const changes = await countChanges(dir, 100);
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.json'), '{}');
    await waitFor(() => changes() > 0, { what: 'the new folder to be seen' });
    // A later write in it is told too.
    const before = changes();
    writeFileSync(join(dir, 'b.json'), '{}');
    await waitFor(() => changes() > before, { what: 'a write in the new folder to be seen' });
  });
});
