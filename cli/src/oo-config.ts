/**
 * The whole configuration of an OO installation: the runtime's keys plus each actor's section,
 * validated at start. `OO_ENV_KEYS` lists the environment variables with names of their own; any
 * key can also be set as `OO__<section>__<key>`.
 */
import { fileURLToPath } from 'node:url';
import { ENGINE_DEFAULTS } from '@oo/engine';
import { KeepUploadsMs } from '@oo/filestore';
// The options module alone: the gateway's entry would load fastify just to check this section.
import { GatewayConfig } from '@oo/gateway/options';
import { DispatchGraceMs, KeepEndedRequestsMs, ReconcileIntervalMs } from '@oo/requests';
import { loadConfig, RuntimeConfig } from '@oo/runtime';
import { z } from 'zod';

/** The templates shipped in this repository, wherever `oo` is started from. */
const SHIPPED_TEMPLATES = fileURLToPath(new URL('../../templates', import.meta.url));

const Port = z.number().int().min(0).max(65_535);

export const OoConfig = RuntimeConfig.extend({
  engine: z
    .object({
      /** Folder of workflow template JSON files. */
      templatesDir: z.string().min(1).default(SHIPPED_TEMPLATES),
      reconcileIntervalMs: z.number().int().min(100).default(ENGINE_DEFAULTS.reconcileIntervalMs),
      stuckAfterMs: z.number().int().min(1_000).default(ENGINE_DEFAULTS.stuckAfterMs),
      /** A task in flight that no runner has taken or finished this long fails the way its onFailure says. */
      abandonAfterMs: z.number().int().min(60_000).default(ENGINE_DEFAULTS.abandonAfterMs),
      /** How long a run's state stays in KV once it ended (a `resume` needs it); the read model keeps it longer. */
      keepEndedRunsMs: z
        .number()
        .int()
        .min(60 * 60_000)
        .default(ENGINE_DEFAULTS.keepEndedRunsMs),
    })
    .strict()
    .refine((e) => e.abandonAfterMs >= 2 * e.stuckAfterMs, {
      path: ['abandonAfterMs'],
      message: 'must be at least twice stuckAfterMs, so a task is sent again before it is given up',
    })
    .prefault({}),
  /** PostgreSQL for the read model; embedded PGlite under the data folder when absent. */
  database: z
    .object({
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL URL: postgres://user@host:5432/database')
        .optional(),
    })
    .strict()
    .prefault({}),
  /** The gateway's own schema: its rules and defaults are written once, in @oo/gateway. */
  gateway: GatewayConfig.prefault({}),
  filestore: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: Port.default(7071),
      /**
       * Where the other actors reach it (the requests actor writes request files there and gives
       * runs their URL); by default http://host:port, which is right only on the filestore's machine.
       */
      url: z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://files.example:7071' })
        .optional(),
      maxBytes: z
        .number()
        .int()
        .positive()
        .default(10 * 1024 * 1024),
      /** How long an upload (a file outside `requests/`) is kept after it was last written. */
      keepUploadsMs: KeepUploadsMs,
    })
    .strict()
    .prefault({}),
  requests: z
    .object({
      /** Resource type -> the template building it, managed (Terraform) and unmanaged (Ansible). */
      templates: z
        .record(
          z.string(),
          z.object({ managed: z.string().optional(), unmanaged: z.string().optional() }).strict(),
        )
        .default({
          virtual_machine: { managed: 'vm-managed', unmanaged: 'vm-unmanaged' },
          dns_record: { unmanaged: 'dns-record' },
        }),
      catalog: z.array(z.string()).optional(),
      /** How long a request's record stays in KV once it ended (a rerun needs it); the read model keeps it longer. */
      keepEndedRequestsMs: KeepEndedRequestsMs,
      /** How often the reconciler looks for requests whose handler never dispatched them. */
      reconcileIntervalMs: ReconcileIntervalMs,
      /** How long a request may wait for its handler's dispatch before the reconciler does it. */
      dispatchGraceMs: DispatchGraceMs,
    })
    .strict()
    .prefault({}),
  notify: z
    .object({
      from: z.email().default('oo@oo.example'),
      defaultTo: z.array(z.email()).default([]),
      smtp: z
        .object({
          host: z.string(),
          port: Port,
          secure: z.boolean().default(false),
          user: z.string().optional(),
          pass: z.string().optional(),
        })
        .strict()
        .optional(),
    })
    .strict()
    .prefault({}),
  awx: z
    .object({
      url: z.url().optional(),
      token: z.string().optional(),
      apiPath: z.string().default('/api/v2/'),
    })
    .strict()
    .prefault({}),
  tfe: z
    .object({ url: z.url().optional(), token: z.string().optional(), organization: z.string().default('oo') })
    .strict()
    .prefault({}),
}).strict();
export type OoConfig = z.infer<typeof OoConfig>;

/** Named environment variables for the sections above (the runtime's are in ENV_KEYS). */
export const OO_ENV_KEYS: Readonly<Record<string, string>> = {
  OO_TEMPLATES_DIR: 'engine.templatesDir',
  DATABASE_URL: 'database.url',
  OO_GATEWAY_PORT: 'gateway.port',
  OO_TRACE_URL: 'gateway.traceUrl',
  OO_INVENTORY_FILE: 'gateway.inventory.file',
  VCENTER_URL: 'gateway.inventory.vcenter.url',
  VCENTER_USERNAME: 'gateway.inventory.vcenter.username',
  VCENTER_PASSWORD: 'gateway.inventory.vcenter.password',
  VCENTER_CA_FILE: 'gateway.inventory.vcenter.caFile',
  ACI_URL: 'gateway.inventory.aci.url',
  ACI_USERNAME: 'gateway.inventory.aci.username',
  ACI_PASSWORD: 'gateway.inventory.aci.password',
  ACI_CA_FILE: 'gateway.inventory.aci.caFile',
  OO_FILESTORE_PORT: 'filestore.port',
  OO_FILESTORE_URL: 'filestore.url',
  SMTP_HOST: 'notify.smtp.host',
  SMTP_PORT: 'notify.smtp.port',
  SMTP_USER: 'notify.smtp.user',
  SMTP_PASS: 'notify.smtp.pass',
  AWX_URL: 'awx.url',
  AWX_TOKEN: 'awx.token',
  AWX_API_PATH: 'awx.apiPath',
  TFE_URL: 'tfe.url',
  TFE_TOKEN: 'tfe.token',
  TFE_ORG: 'tfe.organization',
};

/** The configuration of the installation whose data folder is `dataDir` (file, env, defaults). */
export function loadOoConfig(dataDir: string): OoConfig {
  return loadConfig(OoConfig, { env: { ...process.env, OO_DATA_DIR: dataDir }, envKeys: OO_ENV_KEYS });
}
