/**
 * What may be asked for: the catalog items, the values a request form may offer (from the policy)
 * and the workflow templates loaded. Any authenticated role.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { GatewayDeps } from '../gateway-deps.js';
import { Catalog, FormOptions, problems, Templates } from '../http-schemas.js';

export const catalogRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.get(
    '/catalog',
    {
      schema: {
        summary: 'Catalog items a request may name in `catalogItem`',
        tags: ['catalog'],
        response: { 200: Catalog, ...problems(401, 429, 500) },
      },
    },
    async () => ({ items: [...deps.catalog] }),
  );

  app.get(
    '/catalog/options',
    {
      schema: {
        summary: 'Values a request form may offer',
        description:
          'The resource types a request may ask for (managed, unmanaged), the images, networks and size ' +
          'bounds the policy permits for a virtual machine, and the DNS zones records may be made in: ' +
          'what a form offers to choose from; with an inventory source, only the networks it lists ' +
          '(`inventory` says which was read, null when none was). Addresses, clusters and ' +
          'datastores stay with the policy (admins). A request is still checked against the policy ' +
          'it meets when it is handled, which may have changed since.',
        tags: ['catalog'],
        response: { 200: FormOptions, ...problems(401, 429, 500) },
      },
    },
    async (request): Promise<FormOptions> => {
      const { version, policy } = await deps.readModel.getPolicy();
      // A network vCenter does not have would be built into nothing: the form leaves it out. The
      // inventory down is no reason to refuse a form, so then it offers what the policy permits.
      const snapshot = await deps.inventory?.get().catch((err: unknown) => {
        request.log.warn({ err }, 'inventory unreadable: the form offers every network the policy permits');
        return undefined;
      });
      const listed = snapshot && new Set(snapshot.lists.networks.map((n) => n.name));
      const networks = listed ? policy.networks.filter((n) => listed.has(n.name)) : policy.networks;
      return {
        policyVersion: version,
        resourceTypes: { ...deps.resourceTypes },
        virtualMachine: {
          images: policy.images,
          networks: networks.map(({ name, env }) => ({ name, env })),
          cpu: policy.bounds.cpu,
          memoryGb: policy.bounds.memoryGb,
          diskGb: policy.bounds.diskGb,
          disks: policy.bounds.disks,
        },
        dnsZones: policy.dnsZones,
        inventory:
          deps.inventory && snapshot
            ? { source: deps.inventory.source, fetchedAt: new Date(snapshot.fetchedAt).toISOString() }
            : null,
      };
    },
  );

  app.get(
    '/templates',
    {
      schema: {
        summary: 'Workflow templates loaded, every version (the folder as it is now)',
        tags: ['catalog'],
        response: { 200: Templates, ...problems(401, 429, 500) },
      },
    },
    async () => ({
      items: (await deps.templates()).map(({ name, version, description }) => ({
        name,
        version,
        description,
      })),
    }),
  );
};
