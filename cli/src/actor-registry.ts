/**
 * Every actor `oo up` starts (in this order) and `oo actor <name>` can run alone, each built from
 * the validated configuration. Imported lazily, so running one actor loads only its code.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OoError } from '@oo/contracts';
import type { ReadModel } from '@oo/read-model';
import type { ActorDefinition } from '@oo/runtime';
import type { Logger } from 'pino';
import type { OoConfig } from './oo-config.js';
import { checkTemplateRoutes } from './template-routes.js';

/** The Terraform modules shipped with OO. */
const TERRAFORM_MODULES = fileURLToPath(new URL('../../actors/terraform/modules', import.meta.url));

/** What actors of one process share: one read model (PGlite allows one opener) and discovered URLs. */
/** A template in `engine.templatesDir`, as the gateway lists it. */
export interface TemplateSummary {
  readonly name: string;
  readonly version: number;
  readonly description: string;
}

export interface Shared {
  readModel(): Promise<ReadModel>;
  /** The templates in `engine.templatesDir` as they are now: read again when the folder changes (the engine reads its own). */
  templates(): Promise<readonly TemplateSummary[]>;
  /** Set by the filestore and gateway once they listen. */
  readonly urls: { filestore?: string; gateway?: string };
  readonly log: Logger;
}

export type ActorFactory = (config: OoConfig, shared: Shared) => Promise<ActorDefinition>;

export const ActorRegistry: Readonly<Record<string, ActorFactory>> = {
  ledger: async (_config, shared) =>
    (await import('@oo/ledger')).ledgerActor({ readModel: await shared.readModel() }),
  filestore: async (config, shared) =>
    (await import('@oo/filestore')).filestoreActor({
      host: config.filestore.host,
      port: config.filestore.port,
      maxBytes: config.filestore.maxBytes,
      keepUploadsMs: config.filestore.keepUploadsMs,
      onListening: (url: string) => {
        shared.urls.filestore = url;
      },
    }),
  notifier: async (config) =>
    (await import('@oo/notifier')).notifierActor({
      from: config.notify.from,
      dropDir: join(config.dataDir, 'mail'),
      ...(config.notify.smtp
        ? {
            smtp: {
              host: config.notify.smtp.host,
              port: config.notify.smtp.port,
              secure: config.notify.smtp.secure,
              ...(config.notify.smtp.user
                ? { auth: { user: config.notify.smtp.user, pass: config.notify.smtp.pass ?? '' } }
                : {}),
            },
          }
        : {}),
    }),
  engine: async (config) =>
    (await import('@oo/engine')).engineActor({
      templatesDir: config.engine.templatesDir,
      // Every actor's task types: loaded here, not at the top, as it imports every task package.
      knownTaskTypes: (await import('./task-catalog.js')).knownTaskTypes(),
      reconcileIntervalMs: config.engine.reconcileIntervalMs,
      stuckAfterMs: config.engine.stuckAfterMs,
      abandonAfterMs: config.engine.abandonAfterMs,
      keepEndedRunsMs: config.engine.keepEndedRunsMs,
    }),
  runner: async () => (await import('@oo/runner')).runnerActor,
  rfm: async (config, shared) => {
    if (!config.auth.secret)
      throw new OoError('OO_ERR_CONFIG_INVALID', 'rfm needs auth.secret (OO_AUTH_SECRET)');
    return (await import('@oo/rfm')).rfmRunnerFor({
      dataDir: config.dataDir,
      authSecret: config.auth.secret,
      db: (await shared.readModel()).db,
    });
  },
  ansible: async (config) =>
    (await import('@oo/ansible')).ansibleRunnerFor({
      awx: {
        ...(config.awx.url ? { url: config.awx.url } : {}),
        ...(config.awx.token ? { token: config.awx.token } : {}),
        apiPath: config.awx.apiPath,
      },
      dataDir: config.dataDir,
    }),
  terraform: async (config) => {
    if (!config.tfe.url || !config.tfe.token) {
      throw new OoError(
        'OO_ERR_CONFIG_INVALID',
        'the terraform runner needs tfe.url and tfe.token (TFE_URL, TFE_TOKEN)',
      );
    }
    return (await import('@oo/terraform')).terraformRunnerFor({
      tfe: { url: config.tfe.url, token: config.tfe.token, organization: config.tfe.organization },
      modulesDir: TERRAFORM_MODULES,
      gitCacheDir: join(config.dataDir, 'git-cache', 'terraform'),
      variableDefaults: { datacenter: 'dc1' },
    });
  },
  requests: async (config, shared) => {
    const { requestsActor } = await import('@oo/requests');
    checkTemplateRoutes(
      config.requests.templates,
      new Set((await shared.templates()).map((t) => t.name)),
      config.engine.templatesDir,
    );
    return requestsActor({
      templates: config.requests.templates,
      filestoreUrl: filestoreUrlOf(config, shared),
      notify: { defaultTo: config.notify.defaultTo },
      ...(config.requests.catalog ? { catalog: config.requests.catalog } : {}),
      keepEndedRequestsMs: config.requests.keepEndedRequestsMs,
      reconcileIntervalMs: config.requests.reconcileIntervalMs,
      dispatchGraceMs: config.requests.dispatchGraceMs,
      // Its reconciler sends a run's start again only while the engine would still know the run.
      keepEndedRunsMs: config.engine.keepEndedRunsMs,
    });
  },
  // Last: by then every actor that answers the gateway's commands is consuming.
  gateway: async (config, shared) => {
    const { gatewayActor } = await import('@oo/gateway');
    return gatewayActor({
      // The section is the gateway's own schema, so each of its keys reaches the actor as it is.
      ...config.gateway,
      readModel: await shared.readModel(),
      keepEndedRequestsMs: config.requests.keepEndedRequestsMs,
      ...(config.requests.catalog ? { catalog: config.requests.catalog } : {}),
      resourceTypes: Object.fromEntries(
        Object.entries(config.requests.templates).map(([type, modes]) => [
          type,
          { managed: modes.managed !== undefined, unmanaged: modes.unmanaged !== undefined },
        ]),
      ),
      templates: () => shared.templates(),
      onListening: ({ url }: { url: string }) => {
        shared.urls.gateway = url;
      },
    });
  },
};

/**
 * Where the requests actor reaches the filestore: the one this process started (`oo up`), else
 * `filestore.url`, else its listen address (right only when both run on one machine).
 */
export function filestoreUrlOf(config: OoConfig, shared: Pick<Shared, 'urls'>): string {
  return (
    shared.urls.filestore ??
    config.filestore.url ??
    `http://${config.filestore.host}:${config.filestore.port}`
  );
}

export function actorNames(): string[] {
  return Object.keys(ActorRegistry);
}
