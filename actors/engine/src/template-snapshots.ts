/**
 * Every template version a run started with, kept in the `templates` bucket by its content key,
 * so a run keeps its exact template across engine restarts and edited files.
 */
import type { JsonBucket } from '@oo/runtime';
import type { LoadedTemplate } from './loaded-template.js';

/** `name@3#abc123` -> `name.v3.abc123` (KV keys allow only [A-Za-z0-9_=.-/]). */
export function snapshotKey(templateKey: string): string {
  return templateKey.replace('@', '.v').replace('#', '.');
}

export function templateSnapshots(bucket: JsonBucket<unknown>) {
  const saved = new Set<string>();
  return {
    async save(template: LoadedTemplate): Promise<void> {
      if (saved.has(template.key)) return;
      await bucket.create(snapshotKey(template.key), template.template);
      saved.add(template.key);
    },
    async load(templateKey: string): Promise<unknown> {
      const found = await bucket.get(snapshotKey(templateKey));
      if (!found) throw new Error(`template snapshot ${templateKey} is missing`);
      return found.value;
    },
  };
}
