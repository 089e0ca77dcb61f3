/**
 * The whole configuration of an OO installation: the runtime's keys plus each actor's section.
 */
import { fileURLToPath } from 'node:url';
import { RuntimeConfig } from '@oo/runtime';
import { z } from 'zod';

/** The templates shipped in this repository, wherever `oo` is started from. */
const SHIPPED_TEMPLATES = fileURLToPath(new URL('../../templates', import.meta.url));

export const EngineConfig = z
  .object({
    /** Folder of workflow template JSON files. */
    templatesDir: z.string().min(1).default(SHIPPED_TEMPLATES),
    reconcileIntervalMs: z.number().int().min(100).default(60_000),
    stuckAfterMs: z
      .number()
      .int()
      .min(1_000)
      .default(5 * 60_000),
  })
  .strict();

export const OoConfig = RuntimeConfig.extend({
  engine: EngineConfig.default({
    templatesDir: SHIPPED_TEMPLATES,
    reconcileIntervalMs: 60_000,
    stuckAfterMs: 300_000,
  }),
}).strict();
export type OoConfig = z.infer<typeof OoConfig>;

/** Named environment variables for the sections above (the runtime's are in ENV_KEYS). */
export const OO_ENV_KEYS: Readonly<Record<string, string>> = {
  OO_TEMPLATES_DIR: 'engine.templatesDir',
};
