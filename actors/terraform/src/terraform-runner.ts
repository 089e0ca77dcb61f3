/**
 * The Terraform runner: an actor hosting the `tfe.*` tasks and `terraform.prepare`, with one TFE
 * client per process (shared by its instances, closed when the last one stops).
 *
 * ```ts
 * const actor = terraformRunnerFor({
 *   tfe: { url: 'https://tfe.example.com', token, organization: 'infra' },
 *   modulesDir: '/opt/oo/terraform/modules',
 *   variableDefaults: { datacenter: 'dc1' },
 * });
 * await startActor(actor, { config, log });
 * ```
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issuesText, OoError, schemaIssues } from '@oo/contracts';
import { type ActorDefinition, defineActor, defineRunner, type SecretResolver } from '@oo/runtime';
import { z } from 'zod';
import { VarSpec } from './task-schemas.js';
import { applyTask } from './tasks/apply.js';
import { cancelRunTask } from './tasks/cancel-run.js';
import { createRunTask } from './tasks/create-run.js';
import { ensureWorkspaceTask } from './tasks/ensure-workspace.js';
import { outputsTask } from './tasks/outputs.js';
import { prepareTask } from './tasks/prepare.js';
import { setVarsTask } from './tasks/set-vars.js';
import { uploadConfigTask } from './tasks/upload-config.js';
import { waitRunTask } from './tasks/wait-run.js';
import type { TerraformDeps } from './terraform-deps.js';
import { createTfeClient, type TfeClient, type TfeClientOptions } from './tfe-client.js';

const VarValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]);

/** The runner's settings, checked when it is built; errors name the key. */
export const TerraformRunnerSettings = z
  .object({
    tfe: z
      .object({
        /** TFE origin, e.g. `https://app.terraform.io`. */
        url: z.url(),
        /** User or team token (organization tokens cannot create runs). */
        token: z.string().min(1),
        organization: z.string().min(1),
      })
      .strict(),
    modulesDir: z.string().min(1),
    /** Default: `<tmp>/oo-terraform-git`. */
    gitCacheDir: z.string().min(1).optional(),
    /** Delay between looks at a run (ms). Default 5_000: TFE allows 30 requests/s per token. */
    pollMs: z.number().int().min(10).default(5_000),
    /** Default 5 minutes. */
    uploadTimeoutMs: z
      .number()
      .int()
      .min(1_000)
      .default(5 * 60_000),
    variableDefaults: z.record(z.string(), VarValue).default({}),
    extraVars: z.array(VarSpec).default([]),
    concurrency: z.number().int().min(1).optional(),
    ackWaitMs: z.number().int().min(1_000).optional(),
  })
  .strict();

export interface TerraformRunnerConfig extends z.input<typeof TerraformRunnerSettings> {
  /** Where `secret` variables are resolved; default env `OO_SECRET_<NAME>`. */
  readonly secrets?: SecretResolver;
  /** GET retries and request timeout of the TFE client. */
  readonly client?: Pick<TfeClientOptions, 'retry' | 'requestTimeoutMs'>;
}

/** Every task type the Terraform runner hosts, for the task catalog. */
export const TERRAFORM_TASK_TYPES = [
  'tfe.ensure_workspace',
  'tfe.set_vars',
  'tfe.upload_config',
  'tfe.create_run',
  'tfe.wait_run',
  'tfe.apply',
  'tfe.outputs',
  'tfe.cancel_run',
  'terraform.prepare',
] as const;

/** Builds the runner actor. Throws OO_ERR_CONFIG_INVALID naming the key of a bad setting. */
export function terraformRunnerFor(config: TerraformRunnerConfig): ActorDefinition {
  const { secrets, client: clientOptions, ...raw } = config;
  const parsed = TerraformRunnerSettings.safeParse(raw);
  if (!parsed.success) {
    const issues = schemaIssues(parsed.error);
    throw new OoError('OO_ERR_CONFIG_INVALID', `terraform runner: ${issuesText(issues)}`, {
      details: { issues },
    });
  }
  const settings = parsed.data;

  let client: TfeClient | undefined;
  let instances = 0;
  const deps: TerraformDeps = {
    tfe() {
      if (!client) throw new OoError('OO_ERR_SHUTTING_DOWN', 'the terraform runner is not running');
      return client;
    },
    organization: settings.tfe.organization,
    modulesDir: settings.modulesDir,
    gitCacheDir: settings.gitCacheDir ?? join(tmpdir(), 'oo-terraform-git'),
    pollMs: settings.pollMs,
    uploadTimeoutMs: settings.uploadTimeoutMs,
    variableDefaults: settings.variableDefaults,
    extraVars: settings.extraVars,
  };
  const tasks = [
    ensureWorkspaceTask(deps),
    setVarsTask(deps),
    uploadConfigTask(deps),
    createRunTask(deps),
    waitRunTask(deps),
    applyTask(deps),
    outputsTask(deps),
    cancelRunTask(deps),
    prepareTask(deps),
  ];
  // The catalog list is a constant (no runner needed to read it); it must name exactly these.
  if (tasks.map((t) => t.type).join() !== TERRAFORM_TASK_TYPES.join()) {
    throw new Error('terraform runner: TERRAFORM_TASK_TYPES does not match the tasks it hosts');
  }
  const runner = defineRunner({
    name: 'terraform',
    version: '0.1.0',
    description: 'Terraform Enterprise / HCP Terraform tasks and the common-format mapping',
    tasks,
    ...(settings.concurrency === undefined ? {} : { concurrency: settings.concurrency }),
    ...(settings.ackWaitMs === undefined ? {} : { ackWaitMs: settings.ackWaitMs }),
    ...(secrets ? { secrets } : {}),
  });
  const setupRunner = runner.setup!;
  const release = async () => {
    if (--instances > 0 || !client) return;
    const closing = client;
    client = undefined;
    await closing.close();
  };

  return defineActor({
    ...runner,
    async setup(env) {
      instances++;
      client ??= createTfeClient({
        baseUrl: settings.tfe.url,
        token: settings.tfe.token,
        ...clientOptions,
        onRetry: (event) => env.log.debug({ tfeRetry: event }, 'TFE read retried'),
      });
      let inner: Awaited<ReturnType<typeof setupRunner>>;
      try {
        inner = await setupRunner(env);
      } catch (error) {
        await release();
        throw error;
      }
      return {
        ...inner,
        async stop() {
          await inner.stop?.();
          await release();
        },
      };
    },
  });
}
