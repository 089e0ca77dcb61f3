/**
 * Inventory hosts: create (`POST inventories/{id}/hosts/`, never retried), find by name, update
 * (`PATCH hosts/{id}/`), and the collection's idempotent pattern (find, then PATCH or POST).
 */
import { OoError } from '@oo/contracts';
import { type AwxHttp, type CallOptions, signalOf } from './awx-http.js';
import { parseWith, walkPages } from './awx-pagination.js';
import { AwxHost } from './awx-schemas.js';

export interface AwxHostInput {
  /** Host name or IP; `name:port` makes AWX move the port to `ansible_ssh_port`. */
  name: string;
  description?: string;
  enabled?: boolean;
  instanceId?: string;
  /** Host variables; an object is sent as JSON text, as AWX expects a string. */
  variables?: Record<string, unknown> | string;
}

function hostBody(host: Partial<AwxHostInput>): Record<string, unknown> {
  return {
    ...(host.name === undefined ? {} : { name: host.name }),
    ...(host.description === undefined ? {} : { description: host.description }),
    ...(host.enabled === undefined ? {} : { enabled: host.enabled }),
    ...(host.instanceId === undefined ? {} : { instance_id: host.instanceId }),
    ...(host.variables === undefined
      ? {}
      : { variables: typeof host.variables === 'string' ? host.variables : JSON.stringify(host.variables) }),
  };
}

export function createHostApi(http: AwxHttp) {
  /**
   * Adds a host to an inventory. Throws OO_ERR_AWX_HOST_EXISTS when the inventory already has one of
   * that name. Sent once: a lost answer is OO_ERR_AWX_SERVER_ERROR / UNREACHABLE, and a second try
   * would then meet HOST_EXISTS.
   */
  async function addInventoryHost(
    inventoryId: number,
    host: AwxHostInput,
    options: CallOptions = {},
  ): Promise<AwxHost> {
    const path = `inventories/${inventoryId}/hosts/`;
    try {
      const raw = await http.json({ method: 'POST', path, body: hostBody(host), ...signalOf(options) });
      return parseWith(AwxHost, raw, { method: 'POST', path });
    } catch (error) {
      if (
        error instanceof OoError &&
        error.code === 'OO_ERR_AWX_BAD_REQUEST' &&
        isDuplicate(error.details?.body)
      ) {
        throw new OoError(
          'OO_ERR_AWX_HOST_EXISTS',
          `AWX inventory ${inventoryId} already has a host named ${host.name}`,
          { details: { ...error.details, inventoryId, host: host.name }, cause: error },
        );
      }
      throw error;
    }
  }

  /** The inventory's host of that exact name, or undefined. */
  async function findInventoryHost(
    inventoryId: number,
    name: string,
    options: CallOptions = {},
  ): Promise<AwxHost | undefined> {
    const walk = {
      path: 'hosts/',
      query: { name, inventory: inventoryId },
      maxPages: 1,
      ...signalOf(options),
    };
    for await (const host of walkPages(http, AwxHost, walk)) return host;
    return undefined;
  }

  async function updateHost(
    hostId: number,
    patch: Partial<AwxHostInput>,
    options: CallOptions = {},
  ): Promise<AwxHost> {
    const path = `hosts/${hostId}/`;
    // A PATCH sets fields to given values: repeating it is harmless, so it is retried.
    const raw = await http.json({
      method: 'PATCH',
      path,
      body: hostBody(patch),
      idempotent: true,
      ...signalOf(options),
    });
    return parseWith(AwxHost, raw, { method: 'PATCH', path });
  }

  /** Creates the host, or updates the existing one of that name; tells which. */
  async function ensureInventoryHost(
    inventoryId: number,
    host: AwxHostInput,
    options: CallOptions = {},
  ): Promise<{ host: AwxHost; created: boolean }> {
    const existing = await findInventoryHost(inventoryId, host.name, options);
    if (existing !== undefined) return { host: await updateHost(existing.id, host, options), created: false };
    return { host: await addInventoryHost(inventoryId, host, options), created: true };
  }

  return { addInventoryHost, findInventoryHost, updateHost, ensureInventoryHost };
}

function isDuplicate(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const all = (body as Record<string, unknown>).__all__;
  return Array.isArray(all) && all.some((m) => typeof m === 'string' && m.includes('already exists'));
}
