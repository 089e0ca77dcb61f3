/**
 * Where the gateway reads the inventory from, read-only: a JSON file (`InventoryLists`), or vCenter
 * through its REST API (vcenter-client.ts). A source only reads; caching is cached-inventory.ts's.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InventoryLists, type InventoryLists as Lists, OoError } from '@oo/contracts';
import type { InventoryConfig } from '../gateway-options.js';
import { type VcenterClientOptions, vcenterClient } from './vcenter-client.js';

export interface InventorySource {
  /** `file:<path>` or `vcenter:<origin>`: shown to admins and named in errors, never a credential. */
  readonly name: string;
  read(signal?: AbortSignal): Promise<Lists>;
  close(): Promise<void>;
}

/**
 * The file is read again on every (uncached) read, so an admin's edit shows without a restart.
 * @throws OoError OO_ERR_INVENTORY_UNAVAILABLE when it is missing, not JSON or not an inventory
 */
export function fileInventorySource(path: string): InventorySource {
  const name = `file:${path}`;
  const unavailable = (why: string) =>
    new OoError('OO_ERR_INVENTORY_UNAVAILABLE', `inventory file ${path} ${why}`, {
      retryable: false,
      details: { source: name },
    });
  return {
    name,
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        throw unavailable(`cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw unavailable(`is not JSON: ${(err as Error).message}`);
      }
      const parsed = InventoryLists.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        throw unavailable(`is not an inventory: ${issues.slice(0, 5).join('; ')}`);
      }
      return parsed.data;
    },
    async close() {},
  };
}

export function vcenterInventorySource(options: VcenterClientOptions): InventorySource {
  const client = vcenterClient(options);
  return {
    name: `vcenter:${new URL(options.url).origin}`,
    read: (signal) => client.lists(signal),
    close: () => client.close(),
  };
}

/**
 * The source `gateway.inventory` names.
 * @throws OoError OO_ERR_CONFIG_INVALID when vcenter.caFile cannot be read
 */
export function inventorySourceOf(config: InventoryConfig): InventorySource {
  if (config.vcenter) {
    const { caFile, ...vcenter } = config.vcenter;
    return vcenterInventorySource(caFile === undefined ? vcenter : { ...vcenter, ca: readCa(caFile) });
  }
  if (config.file) return fileInventorySource(config.file);
  throw new Error('gateway.inventory names no source'); // the config's refine rules this out
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new OoError(
      'OO_ERR_CONFIG_INVALID',
      `gateway.inventory.vcenter.caFile: cannot read ${path}: ${why}`,
    );
  }
}
