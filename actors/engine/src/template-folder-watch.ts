/**
 * Tells when a templates folder changed, so the engine (and the gateway's list) take a file that is
 * added, edited or removed without a restart.
 *
 * `fs.watch` tells at once on a local disk; a look every `checkMs` catches what it misses (network
 * file systems, a folder created or replaced after the watch began, a Kubernetes ConfigMap's symlink
 * swap). Either way the folder's signature (its .json files' names, sizes and modification times)
 * decides: a burst of events, such as an editor's write then rename, is one change, and an event
 * that changed nothing is none. `onChange` runs one at a time; when it throws (say, NATS out of reach
 * while saving a snapshot) the change is tried again at the next look.
 */
import { type FSWatcher, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface TemplatesFolderWatch {
  /** Looks at the folder now, without waiting for an event; resolves once any change is taken. */
  lookNow(): Promise<void>;
  close(): void;
}

export interface WatchTemplatesFolderOptions {
  /** Quiet time after an event before the folder is read. */
  readonly debounceMs?: number;
  /** Interval of the look that does not rely on events. */
  readonly checkMs?: number;
  /** Told when `onChange` throws; the change is tried again at the next look. */
  readonly onError?: (err: unknown) => void;
}

/** Names, sizes and modification times of the folder's .json files; a folder not readable is its error code. */
export async function templatesFolderSignature(dir: string): Promise<string> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    return `unreadable: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
  }
  const entries = await Promise.all(
    names.map(async (name) => {
      const s = await stat(join(dir, name)).catch(() => undefined);
      return s ? `${name} ${s.size} ${s.mtimeMs}` : `${name} gone`;
    }),
  );
  return entries.join('\n');
}

/**
 * Calls `onChange` whenever the folder's signature differs from the one it had when the watch began
 * (`since`, read by the caller before it loaded the folder, so a change made during that load is not missed).
 */
export function watchTemplatesFolder(
  dir: string,
  since: string,
  onChange: () => Promise<void>,
  options: WatchTemplatesFolderOptions = {},
): TemplatesFolderWatch {
  const debounceMs = options.debounceMs ?? 150;
  let known = since;
  let closed = false;
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  /** The looks, one after the other: two at once could take the same change twice. */
  let looks = Promise.resolve();

  const check = async (): Promise<void> => {
    const now = await templatesFolderSignature(dir);
    if (now === known || closed) return;
    try {
      await onChange();
      known = now;
    } catch (err) {
      options.onError?.(err);
    }
  };
  const look = (): Promise<void> => {
    looks = looks.then(check);
    return looks;
  };
  const arm = () => {
    if (watcher || closed) return;
    try {
      watcher = watch(dir, { persistent: false }, () => {
        clearTimeout(debounce);
        debounce = setTimeout(() => void look(), debounceMs);
      });
      // The folder went away (or the watch broke): the periodic look carries on and arms again.
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      // No folder yet: the periodic look arms the watch once there is one.
    }
  };
  arm();
  const timer = setInterval(() => {
    arm();
    void look();
  }, options.checkMs ?? 5_000);
  timer.unref();
  return {
    lookNow: look,
    close() {
      closed = true;
      clearInterval(timer);
      clearTimeout(debounce);
      watcher?.close();
    },
  };
}
