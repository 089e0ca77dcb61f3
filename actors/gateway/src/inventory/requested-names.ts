/**
 * A request may ask only for networks the inventory holds. The policy is checked against the
 * inventory when it changes, but vCenter or APIC can rename or remove a network afterwards; a
 * request for it would then be accepted, built into a commit and fail at AWX or TFE. Refused at
 * the door instead, naming the field.
 *
 * An inventory that cannot be read does not stop requests: the policy still governs them, and an
 * outage of vCenter must not stop every submit (the build itself retries).
 */
import { OoError, type ResourceSpec } from '@oo/contracts';
import type { FastifyBaseLogger } from 'fastify';
import { capped } from '../problem.js';
import type { CachedInventory } from './cached-inventory.js';
import { missingNames, requestedNames } from './inventory-gaps.js';

/** @throws OoError OO_ERR_INVENTORY_NAME_UNKNOWN naming each network of `resources` the inventory lacks */
export async function checkRequestedNames(
  inventory: CachedInventory | undefined,
  resources: readonly ResourceSpec[],
  log: FastifyBaseLogger,
): Promise<void> {
  const fields = requestedNames(resources);
  if (!inventory || fields.length === 0) return;
  let lists: Awaited<ReturnType<CachedInventory['get']>>['lists'];
  try {
    ({ lists } = await inventory.get());
  } catch (err) {
    log.warn({ err }, 'inventory unreadable: the request is checked against the policy only');
    return;
  }
  const errors = missingNames(fields, lists, inventory.sourceOf);
  if (errors.length === 0) return;
  const count = `${errors.length} network${errors.length === 1 ? '' : 's'}`;
  throw new OoError(
    'OO_ERR_INVENTORY_NAME_UNKNOWN',
    `the request asks for ${count} the inventory does not hold, see errors`,
    {
      retryable: false,
      details: { errors: capped(errors) },
    },
  );
}
