import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { OoError } from '@oo/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfigTarball, readConfigTarball, readModuleDirectory } from '../src/index.js';

const MODULE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'modules', 'vsphere-vm');

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Writes the tarball to a temp file and runs the system `tar` on it. */
async function systemTar(tarball: Buffer, ...args: string[]): Promise<{ dir: string; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'oo-tarball-'));
  dirs.push(dir);
  const file = join(dir, 'config.tar.gz');
  await writeFile(file, tarball);
  const out = execFileSync('tar', [...args, '-f', file], { cwd: dir, encoding: 'utf8' });
  return { dir, out };
}

function thrown(fn: () => unknown): OoError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OoError) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('config tarball', () => {
  it('is a gzip stream that the system tar lists with the files at the archive root', async () => {
    const tarball = buildConfigTarball({ 'main.tf': 'terraform {}\n', 'variables.tf': '' });
    expect([...tarball.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    const { out } = await systemTar(tarball, '-tz');
    expect(out.trim().split('\n')).toEqual(['main.tf', 'variables.tf']);
  });

  it('extracts with the system tar to the same contents, sub-directories and long paths included', async () => {
    const long = `modules/${'nested-directory-name/'.repeat(5)}${'x'.repeat(60)}.tf`;
    const files = {
      'main.tf': 'module "disk" { source = "./modules/disk" }\n',
      'modules/disk/main.tf': 'ü',
      [long]: 'long',
    };
    const { dir } = await systemTar(buildConfigTarball(files), '-xz');
    for (const [path, content] of Object.entries(files)) {
      expect(await readFile(join(dir, path), 'utf8')).toBe(content);
    }
  });

  it('reads back every file with its content through node-tar', async () => {
    const entries = await readConfigTarball(buildConfigTarball({ 'main.tf': 'a', 'sub/b.tf': 'bb' }));
    expect(entries.map((e) => [e.path, e.type, e.content.toString()])).toEqual([
      ['sub/', 'directory', ''],
      ['main.tf', 'file', 'a'],
      ['sub/b.tf', 'file', 'bb'],
    ]);
  });

  it('gives the same bytes for the same files whatever their order', () => {
    const a = buildConfigTarball({ 'main.tf': '1', 'outputs.tf': '2' });
    const b = buildConfigTarball({ 'outputs.tf': '2', 'main.tf': '1' });
    expect(a.equals(b)).toBe(true);
  });

  it('ends with the two zero blocks of a tar archive', () => {
    const tar = gunzipSync(buildConfigTarball({ 'main.tf': 'x' }));
    expect(tar.length % 512).toBe(0);
    expect(tar.subarray(-1024).every((byte) => byte === 0)).toBe(true);
  });

  it('refuses a configuration without a .tf file at its root', () => {
    const error = thrown(() => buildConfigTarball({ 'modules/vm/main.tf': '' }));
    expect(error.code).toBe('OO_ERR_TFE_CONFIG_INVALID');
  });

  it('refuses absolute paths and parent-directory segments', () => {
    for (const path of ['/etc/passwd', '../main.tf', 'a/../../b.tf']) {
      expect(thrown(() => buildConfigTarball({ 'main.tf': '', [path]: '' })).code).toBe(
        'OO_ERR_TFE_CONFIG_INVALID',
      );
    }
  });

  it('reads the example vSphere module, which declares the expected variables and outputs', async () => {
    const files = await readModuleDirectory(MODULE_DIR);
    expect(Object.keys(files).sort()).toEqual(['main.tf', 'outputs.tf', 'variables.tf']);
    const variables = files['variables.tf']!.toString();
    for (const name of [
      'vm_name',
      'cpu',
      'memory_mb',
      'disks',
      'network',
      'ip_address',
      'gateway',
      'dns_servers',
      'datastore',
      'cluster',
      'template',
    ]) {
      expect(variables).toContain(`variable "${name}" {`);
    }
    const outputs = files['outputs.tf']!.toString();
    expect(outputs).toContain('output "vm_name" {');
    expect(outputs).toContain('output "ip_address" {');
  });
});
