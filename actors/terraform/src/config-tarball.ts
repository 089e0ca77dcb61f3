/**
 * The configuration tarball TFE expects (tfe-api.md §3.3): a gzip'd tar whose root is the Terraform
 * module (`main.tf`, not `dir/main.tf`). Built in memory as POSIX ustar — small enough to write by
 * hand, and deterministic: the same files give the same bytes (sorted entries, fixed mtime and owner),
 * so a retried upload sends an identical configuration.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OoError } from '@oo/contracts';
import { Parser, type ReadEntry } from 'tar';

/** File path inside the module (`/`-separated, relative) to its content. */
export type ConfigFiles = Readonly<Record<string, string | Uint8Array>>;

export interface TarballEntry {
  readonly path: string;
  readonly type: 'file' | 'directory';
  readonly content: Buffer;
}

const BLOCK = 512;

/**
 * A `.tar.gz` of `files`. Throws OO_ERR_TFE_CONFIG_INVALID for an unsafe path (absolute, `..`), a
 * path too long for ustar, or when no `.tf` file sits at the root — TFE would mark such a
 * configuration version `errored` after the upload.
 */
export function buildConfigTarball(files: ConfigFiles): Buffer {
  const entries = Object.entries(files).map(([path, content]) => [normalisePath(path), content] as const);
  if (!entries.some(([path]) => !path.includes('/') && path.endsWith('.tf'))) {
    throw invalid('no .tf file at the root of the configuration', { paths: entries.map(([path]) => path) });
  }
  const directories = new Set<string>();
  for (const [path] of entries) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) directories.add(`${parts.slice(0, i).join('/')}/`);
  }
  const blocks: Buffer[] = [];
  for (const dir of [...directories].sort()) blocks.push(header(dir, 0, '5'));
  for (const [path, content] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    blocks.push(header(path, data.length, '0'), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(blocks));
}

/** The entries of a `.tar.gz` (or plain tar), in archive order. Throws on a malformed archive. */
export function readConfigTarball(tarball: Uint8Array): Promise<TarballEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: Promise<TarballEntry>[] = [];
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        entries.push(
          new Promise((done) => {
            const chunks: Buffer[] = [];
            entry.on('data', (chunk: Buffer) => chunks.push(chunk));
            entry.on('end', () =>
              done({
                path: entry.path.replace(/^\.\//, ''),
                type: entry.type === 'Directory' ? 'directory' : 'file',
                content: Buffer.concat(chunks),
              }),
            );
          }),
        );
      },
    });
    parser.on('error', reject);
    parser.on('end', () => {
      Promise.all(entries).then(resolve, reject);
    });
    parser.end(Buffer.from(tarball));
  });
}

/**
 * The files of a module directory, recursively, keyed by `/`-separated relative path. Dot-files and
 * dot-directories (`.terraform`, `.git`) are left out.
 */
export async function readModuleDirectory(dir: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/');
    if (path.split('/').some((part) => part.startsWith('.'))) continue;
    files[path] = await readFile(join(dir, path));
  }
  return files;
}

function normalisePath(raw: string): string {
  const path = raw.replace(/^(\.\/)+/, '');
  const parts = path.split('/');
  if (
    path === '' ||
    path.startsWith('/') ||
    path.includes('\0') ||
    parts.some((p) => p === '..' || p === '')
  ) {
    throw invalid(`unsafe or empty path in configuration: ${JSON.stringify(raw)}`, { path: raw });
  }
  return path;
}

function header(path: string, size: number, type: '0' | '5'): Buffer {
  const block = Buffer.alloc(BLOCK);
  const [prefix, name] = splitName(path);
  block.write(name, 0, 100, 'utf8');
  octal(block, 100, 8, type === '5' ? 0o755 : 0o644);
  octal(block, 108, 8, 0); // uid
  octal(block, 116, 8, 0); // gid
  octal(block, 124, 12, size);
  octal(block, 136, 12, 0); // mtime: fixed, for reproducible archives
  block.fill(' ', 148, 156); // checksum counts as spaces while summing
  block.write(type, 156, 1, 'ascii');
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return block;
}

/** ustar keeps 100 bytes of name and 155 of prefix, split at a `/`. */
function splitName(path: string): [prefix: string, name: string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '')
      return [prefix, name];
  }
  throw invalid(`path too long for a ustar archive: ${path}`, { path });
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}

function invalid(message: string, details: Record<string, unknown>): OoError {
  return new OoError('OO_ERR_TFE_CONFIG_INVALID', message, { details });
}
