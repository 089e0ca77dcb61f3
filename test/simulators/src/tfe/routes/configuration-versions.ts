/**
 * Configuration versions (tfe-api.md §3): create with a one-time `upload-url` on the simulator's own
 * archivist endpoint, show, list, and the unauthenticated upload PUT. The upload is validated at once
 * but processed on the next clock tick, as TFE does it asynchronously.
 */
import { z } from 'zod';
import { assertCanQueueRuns, assertVisible } from '../auth.js';
import { ApiError, notFound, parseAttributes, requestData } from '../json-api.js';
import { paginate } from '../pagination.js';
import { jsonBody, type Router } from '../router.js';
import { toResource, UPLOAD_PATH } from '../serialize.js';
import type { SimContext } from '../sim-context.js';
import { type ConfigurationVersion, newSecret, newTfeId } from '../store.js';
import { checkConfigTarball } from '../tarball-check.js';
import { visibleWorkspace } from './workspaces.js';

const CreateConfigurationVersion = z.object({
  'auto-queue-runs': z.boolean().optional(),
  speculative: z.boolean().optional(),
  provisional: z.boolean().optional(),
});

export function registerConfigurationVersionRoutes(router: Router, sim: SimContext): void {
  router.add('POST', '/api/v2/workspaces/:id/configuration-versions', (req) => {
    const ws = visibleWorkspace(sim, req.principal, req.params.id!);
    assertCanQueueRuns(req.principal);
    const attributes = parseAttributes(
      CreateConfigurationVersion,
      requestData(jsonBody(req), 'configuration-versions').attributes,
    );
    const cv: ConfigurationVersion = {
      kind: 'configuration-version',
      id: newTfeId('cv'),
      workspaceId: ws.id,
      status: 'pending',
      autoQueueRuns: attributes['auto-queue-runs'] ?? true,
      speculative: attributes.speculative ?? false,
      provisional: attributes.provisional ?? false,
      errorMessage: null,
      uploadToken: newSecret(),
      upload: null,
      statusTimestamps: {},
      createdAt: sim.clock.nowIso(),
    };
    sim.store.configurationVersions.set(cv.id, cv);
    const resource = toResource(sim, cv);
    // The upload URL is a credential: shown once, here, and never again.
    const uploadUrl = `${sim.baseUrl}${UPLOAD_PATH}/${cv.uploadToken}`;
    return {
      status: 201,
      json: { data: { ...resource, attributes: { ...resource.attributes, 'upload-url': uploadUrl } } },
    };
  });

  router.add('GET', '/api/v2/configuration-versions/:id', (req) => {
    const cv = sim.store.configurationVersions.get(req.params.id!);
    if (!cv) throw notFound();
    assertVisible(req.principal, sim.store.workspaces.get(cv.workspaceId)!.organization);
    return { status: 200, json: { data: toResource(sim, cv) } };
  });

  router.add('GET', '/api/v2/workspaces/:id/configuration-versions', (req) => {
    const ws = visibleWorkspace(sim, req.principal, req.params.id!);
    const newestFirst = sim.store.configurationVersionsOf(ws.id).reverse();
    const page = paginate(newestFirst, req.url);
    return {
      status: 200,
      json: { data: page.items.map((cv) => toResource(sim, cv)), links: page.links, meta: page.meta },
    };
  });

  router.add(
    'PUT',
    `${UPLOAD_PATH}/:token`,
    async (req) => {
      const cv = [...sim.store.configurationVersions.values()].find(
        (c) => c.uploadToken === req.params.token,
      );
      if (!cv) return { status: 404, body: 'upload URL unknown, expired or already used\n' };
      if (req.headers.authorization !== undefined) {
        // Pre-signed object-store URLs refuse a second credential, as S3 does.
        throw new ApiError(
          400,
          'invalid request',
          'upload URLs carry their own credential; send no Authorization',
        );
      }
      const check = await checkConfigTarball(req.body);
      cv.uploadToken = null;
      cv.upload = {
        receivedAt: sim.clock.nowIso(),
        files: check.files,
        error: check.error,
        processed: false,
      };
      return { status: 200 };
    },
    { auth: 'none' },
  );
}
