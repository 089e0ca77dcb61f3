/**
 * Checks an uploaded configuration the way TFE's ingress does: a gzip'd tar whose root holds at least
 * one `.tf` file (tfe-api.md §3.3). Returns the file list either way so tests can see what was sent.
 */
import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';

export interface TarballFile {
  /** Path inside the archive, without a leading `./`. */
  readonly path: string;
  readonly size: number;
  readonly content: Buffer;
}

export interface TarballCheck {
  readonly files: TarballFile[];
  /** Why TFE would mark the configuration version `errored`, or null when it is usable. */
  readonly error: string | null;
}

const GZIP_MAGIC = [0x1f, 0x8b];

export async function checkConfigTarball(body: Buffer): Promise<TarballCheck> {
  if (body.length < 2 || body[0] !== GZIP_MAGIC[0] || body[1] !== GZIP_MAGIC[1]) {
    return { files: [], error: 'configuration is not a gzip-compressed archive' };
  }
  let tar: Buffer;
  try {
    tar = gunzipSync(body);
  } catch {
    return { files: [], error: 'configuration archive is a corrupt gzip stream' };
  }
  let files: TarballFile[];
  try {
    files = await parseTar(tar);
  } catch {
    return { files: [], error: 'configuration archive is not a valid tar file' };
  }
  const rootTf = files.some((file) => !file.path.includes('/') && file.path.endsWith('.tf'));
  return {
    files,
    error: rootTf ? null : 'no Terraform configuration files (.tf) found at the root of the archive',
  };
}

function parseTar(tar: Buffer): Promise<TarballFile[]> {
  return new Promise((resolve, reject) => {
    const files: TarballFile[] = [];
    const pending: Promise<void>[] = [];
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (entry.type !== 'File') {
          entry.resume();
          return;
        }
        pending.push(
          new Promise<void>((done) => {
            const chunks: Buffer[] = [];
            entry.on('data', (chunk: Buffer) => chunks.push(chunk));
            entry.on('end', () => {
              const content = Buffer.concat(chunks);
              files.push({ path: entry.path.replace(/^\.\//, ''), size: content.length, content });
              done();
            });
          }),
        );
      },
    });
    parser.on('error', reject);
    parser.on('end', () => {
      Promise.all(pending).then(() => resolve(files), reject);
    });
    parser.end(tar);
  });
}
