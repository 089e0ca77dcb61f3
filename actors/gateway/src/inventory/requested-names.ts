/**
 * A request may ask only for networks the inventory holds. The policy is checked against the
 * inventory when it changes, but vCenter or APIC can rename or remove a network afterwards; a
 * request for it would then be accepted, built into a commit and fail at AWX or TFE. Refused at
 * the door instead, naming the field.
 *
 * Only networks the policy permits are held to the inventory here: one it does not permit is left
 * to the policy, whose rejection names it with every other reason. An inventory that cannot be read
 * does not stop requests: the policy still governs them, and an outage of vCenter must not stop
 * every submit (the build itself retries).
 */
import { OoError, type PolicyRecord, type ResourceSpec } from '@oo/contracts';
import type { FastifyBaseLogger } from 'fastify';
import { capped } from '../problem.js';
import type { CachedInventory } from './cached-inventory.js';
import { gap, missingFields, requestedNames } from './inventory-gaps.js';

/** @throws OoError OO_ERR_INVENTORY_NAME_UNKNOWN naming each network of `resources` the inventory lacks */
export async function checkRequestedNames(
  inventory: CachedInventory | undefined,
  policy: () => Promise<PolicyRecord>,
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
  const missing = missingFields(fields, lists);
  if (missing.length === 0) return;
  // Read only now: the policy is a database read that a request on listed networks does not need.
  const permitted = new Set((await policy()).policy.networks.map((n) => n.name));
  const errors = missing.filter((f) => permitted.has(f.name)).map((f) => gap(f, inventory.sourceOf));
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
