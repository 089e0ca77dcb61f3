/**
 * Where the gateway reads the inventory from, read-only: a JSON file (`InventoryLists`), or vCenter
 * through its REST API (vcenter-client.ts), with the networks from Cisco APIC (aci-client.ts) where
 * set. A source only reads; caching is cached-inventory.ts's.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  InventoryLists,
  issuesText,
  type InventoryLists as Lists,
  OoError,
  schemaIssues,
} from '@oo/contracts';
import type { InventoryConfig } from '../gateway-options.js';
import { type AciClientOptions, aciClient } from './aci-client.js';
import { type VcenterClientOptions, vcenterClient } from './vcenter-client.js';

/** What an inventory lists. */
export type InventoryKind = 'cluster' | 'datastore' | 'network';

export interface InventorySource {
  /** `file:<path>` or `vcenter:<origin>`: shown to admins and named in errors, never a credential. */
  readonly name: string;
  /** The source of one kind's list, where sources are combined (networks from ACI). */
  sourceOf(kind: InventoryKind): string;
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
    sourceOf: () => name,
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
        const firstIssues = schemaIssues(parsed.error).slice(0, 5);
        throw unavailable(`is not an inventory: ${issuesText(firstIssues)}`);
      }
      return parsed.data;
    },
    async close() {},
  };
}

export function vcenterInventorySource(options: VcenterClientOptions): InventorySource {
  const client = vcenterClient(options);
  return {
    name: client.source,
    sourceOf: () => client.source,
    read: (signal) => client.lists(signal),
    close: () => client.close(),
  };
}

/**
 * `base` with its networks replaced by ACI's EPGs: where ACI manages the data centre's networks, the
 * EPGs are what VMs attach to, whatever vCenter's port groups are called.
 */
export function withAciNetworks(base: InventorySource, options: AciClientOptions): InventorySource {
  const client = aciClient(options);
  const aci = client.source;
  return {
    name: `${base.name}, networks from ${aci}`,
    sourceOf: (kind) => (kind === 'network' ? aci : base.sourceOf(kind)),
    async read(signal) {
      const [lists, networks] = await Promise.all([base.read(signal), client.networks(signal)]);
      return { ...lists, networks };
    },
    async close() {
      await Promise.all([base.close(), client.close()]);
    },
  };
}

type Endpoint = NonNullable<InventoryConfig['vcenter']>;

/** An endpoint's options for its client, its CA read from `caFile` (`key` names it in errors). */
function clientOptions(endpoint: Endpoint, key: string) {
  const { caFile, ...options } = endpoint;
  return caFile === undefined ? options : { ...options, ca: readCa(caFile, `${key}.caFile`) };
}

/**
 * The source `gateway.inventory` names.
 * @throws OoError OO_ERR_CONFIG_INVALID when a caFile cannot be read
 */
export function inventorySourceOf(config: InventoryConfig): InventorySource {
  const base = config.vcenter
    ? vcenterInventorySource(clientOptions(config.vcenter, 'gateway.inventory.vcenter'))
    : fileInventorySource(config.file ?? ''); // the config's refine makes one of the two present
  return config.aci ? withAciNetworks(base, clientOptions(config.aci, 'gateway.inventory.aci')) : base;
}

function readCa(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new OoError('OO_ERR_CONFIG_INVALID', `${key}: cannot read ${path}: ${why}`);
  }
}
