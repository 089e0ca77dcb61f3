/**
 * The ansible actor's configuration: where AWX is (URL, token, API path), how often a job is
 * polled, the local backend's folders, and the data folder that holds the git cache. The CLI passes
 * it; `ansibleConfigFromEnv` reads the AWX keys from AWX_URL, AWX_TOKEN and AWX_API_PATH.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The playbooks shipped with this package (`build-vm.yml`). */
export const SHIPPED_PLAYBOOKS = fileURLToPath(new URL('../playbooks', import.meta.url));

export const AnsibleConfig = z
  .object({
    awx: z
      .object({
        /** Origin of AWX, e.g. `https://awx.example.com`; AWX tasks fail with OO_ERR_AWX_NOT_CONFIGURED without it. */
        url: z.string().min(1).optional(),
        /** Bearer token (OAuth2 / personal access token). Never logged. */
        token: z.string().min(1).optional(),
        /** `/api/v2/` (default) or `/api/controller/v2/` behind the AAP 2.5 gateway. */
        apiPath: z.string().min(1).optional(),
        /** Between two polls of a running job (ms). */
        pollMs: z.number().int().min(10).default(3_000),
        /** The client's retries of reads (see AwxRetryOptions). */
        retry: z
          .object({
            maxAttempts: z.number().int().min(1).optional(),
            baseDelayMs: z.number().int().min(0).optional(),
            maxDelayMs: z.number().int().min(0).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ pollMs: 3_000 }),
    local: z
      .object({
        /** Where `ansible.playbook` finds playbooks by name (default: this package's playbooks/). */
        playbookDir: z.string().min(1).default(SHIPPED_PLAYBOOKS),
        /** Handed to playbooks as `oo_output_dir` (default `<dataDir>/ansible/output`). */
        outputDir: z.string().min(1).optional(),
      })
      .strict()
      .default({ playbookDir: SHIPPED_PLAYBOOKS }),
    /** OO's data folder; the git cache is `<dataDir>/ansible/git` (default `.oo`). */
    dataDir: z.string().min(1).default('.oo'),
    /** Runner settings (see DefineRunnerOptions). */
    runner: z
      .object({
        ackWaitMs: z.number().int().min(1_000).optional(),
        concurrency: z.number().int().min(1).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export type AnsibleConfig = z.output<typeof AnsibleConfig>;
export type AnsibleConfigInput = z.input<typeof AnsibleConfig>;

/** The configuration with every folder absolute. Throws a ZodError naming the key on bad input. */
export function resolveAnsibleConfig(input: AnsibleConfigInput = {}): AnsibleConfig & {
  gitCacheDir: string;
  local: { playbookDir: string; outputDir: string };
} {
  const config = AnsibleConfig.parse(input);
  const dataDir = resolve(config.dataDir);
  return {
    ...config,
    dataDir,
    gitCacheDir: resolve(dataDir, 'ansible', 'git'),
    local: {
      playbookDir: resolve(config.local.playbookDir),
      outputDir: resolve(config.local.outputDir ?? resolve(dataDir, 'ansible', 'output')),
    },
  };
}

/** The AWX keys from the environment: AWX_URL, AWX_TOKEN, AWX_API_PATH (unset keys are left out). */
export function ansibleConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AnsibleConfigInput {
  const awx = {
    ...(env.AWX_URL ? { url: env.AWX_URL } : {}),
    ...(env.AWX_TOKEN ? { token: env.AWX_TOKEN } : {}),
    ...(env.AWX_API_PATH ? { apiPath: env.AWX_API_PATH } : {}),
  };
  return { awx };
}
