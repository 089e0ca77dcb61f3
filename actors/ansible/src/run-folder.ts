/**
 * A private folder (mode 0700) per playbook run, removed when the run ends however it ends. It holds
 * the extra vars as a 0600 JSON file — handed over as `--extra-vars @<file>`, not on the command
 * line, where any local user could read them in the process list — and ansible's own temp files, so
 * a killed run leaves no module payloads behind either.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunFolder {
  /** The folder itself. */
  readonly path: string;
  /** Absolute path of the extra-vars JSON file. */
  readonly extraVarsPath: string;
  /** Where ansible keeps its temp files (give it as TMPDIR / ANSIBLE_LOCAL_TEMP). */
  readonly tempPath: string;
  /** Removes the folder and all in it; never throws. */
  remove(): Promise<void>;
}

export async function createRunFolder(extraVars: Record<string, unknown>): Promise<RunFolder> {
  const path = await mkdtemp(join(tmpdir(), 'oo-ansible-'));
  const remove = () => rm(path, { recursive: true, force: true }).catch(() => undefined);
  const extraVarsPath = join(path, 'extra-vars.json');
  const tempPath = join(path, 'tmp');
  try {
    await writeFile(extraVarsPath, JSON.stringify(extraVars), { mode: 0o600, flag: 'wx' });
    await mkdir(tempPath, { mode: 0o700 });
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, extraVarsPath, tempPath, remove };
}
