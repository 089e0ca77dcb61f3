/**
 * The installed resource handlers, one per type: the packages under `handlers/` that RFM depends on.
 * A new resource type is a new handler package added to `installedHandlers` (or passed in the rfm
 * options).
 */
import { dnsRecordHandler } from '@oo/handler-dns-record';
import { virtualMachineHandler } from '@oo/handler-virtual-machine';
import type { ResourceHandler } from './policy-types.js';

export const installedHandlers: readonly ResourceHandler[] = [
  virtualMachineHandler as ResourceHandler,
  dnsRecordHandler as ResourceHandler,
];

export type HandlerRegistry = ReadonlyMap<string, ResourceHandler>;

/** Throws when two handlers claim one type. */
export function handlerRegistry(handlers: readonly ResourceHandler[] = installedHandlers): HandlerRegistry {
  const map = new Map<string, ResourceHandler>();
  for (const handler of handlers) {
    if (map.has(handler.type)) throw new Error(`two resource handlers for type ${handler.type}`);
    map.set(handler.type, handler);
  }
  return map;
}
