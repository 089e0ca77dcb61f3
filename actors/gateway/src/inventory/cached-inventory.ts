/**
 * The inventory as the routes read it: a source's lists kept for `cacheMs`, so an admin paging
 * through the policy does not make vCenter list everything on every call, and one read shared by
 * the calls that arrive while it is under way. A failed read is not kept: the next call tries again.
 */
import type { InventoryLists } from '@oo/contracts';
import type { InventoryKind, InventorySource } from './inventory-source.js';

export interface InventorySnapshot {
  readonly lists: InventoryLists;
  /** When the source was read (ms since epoch). */
  readonly fetchedAt: number;
}

export interface CachedInventory {
  readonly source: string;
  sourceOf(kind: InventoryKind): string;
  get(): Promise<InventorySnapshot>;
  close(): Promise<void>;
}

export function cachedInventory(
  source: InventorySource,
  cacheMs: number,
  now: () => number,
): CachedInventory {
  let kept: InventorySnapshot | undefined;
  let reading: Promise<InventorySnapshot> | undefined;
  return {
    source: source.name,
    sourceOf: (kind) => source.sourceOf(kind),
    get() {
      if (kept && now() - kept.fetchedAt < cacheMs) return Promise.resolve(kept);
      reading ??= source
        .read()
        .then((lists) => {
          kept = { lists, fetchedAt: now() };
          return kept;
        })
        .finally(() => {
          reading = undefined;
        });
      return reading;
    },
    close: () => source.close(),
  };
}
