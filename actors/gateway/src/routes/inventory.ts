/**
 * The inventory (admins): what the configured source (a file, vCenter, APIC's EPGs) lists — clusters, datastores,
 * networks — with when it was read, and the names of the current policy it lacks (`gaps`). The web
 * UI's policy page builds its cluster x datastore matrix from it.
 */
import { InventoryView, OoError } from '@oo/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authorize, callerOf, type GatewayDeps } from '../gateway-deps.js';
import { problems } from '../http-schemas.js';
import type { CachedInventory } from '../inventory/cached-inventory.js';
import { inventoryGaps } from '../inventory/inventory-gaps.js';

/** @throws OoError OO_ERR_INVENTORY_NOT_CONFIGURED without a source */
function configuredInventory(deps: GatewayDeps): CachedInventory {
  if (deps.inventory) return deps.inventory;
  throw new OoError(
    'OO_ERR_INVENTORY_NOT_CONFIGURED',
    'no inventory source is configured (gateway.inventory)',
  );
}

export const inventoryRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.get(
    '/inventory',
    {
      schema: {
        summary: 'Read the inventory',
        description:
          'The clusters, datastores and networks the inventory source (`gateway.inventory`: a file or ' +
          'vCenter, with the networks from APIC where set; read-only) lists, when it was read (answers are kept for `cacheMs`), and `gaps`: ' +
          'the names of the current policy it does not hold. 404 when no source is configured, 503 ' +
          'when it cannot be read. Admins.',
        tags: ['policy'],
        response: { 200: InventoryView, ...problems(401, 403, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      authorize(callerOf(request), 'policy');
      const inventory = configuredInventory(deps);
      const [snapshot, record] = await Promise.all([inventory.get(), deps.readModel.getPolicy()]);
      return {
        ...snapshot.lists,
        source: inventory.source,
        fetchedAt: new Date(snapshot.fetchedAt).toISOString(),
        policyVersion: record.version,
        gaps: inventoryGaps(record.policy, snapshot.lists, inventory.sourceOf),
      };
    },
  );
};
