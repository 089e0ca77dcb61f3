/**
 * Schemas shared by the Terraform tasks and the `tfe-run` template input: TFE ids and names, module
 * names, and a workspace variable as a task (or template) states it.
 */
import { z } from 'zod';

/** A TFE id such as `ws-…`, `cv-…`, `run-…`. */
export const TfeId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[A-Za-z0-9]+$`), `must be a TFE id starting with ${prefix}-`);

/** TFE workspace names: letters, digits, `-` and `_` (tfe-api.md §2.1). */
export const WorkspaceName = z
  .string()
  .min(1)
  .max(90)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - and _');

/** A folder of the runner's modules directory. */
export const ModuleName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a module folder name: lower-case letters, digits, - and _');

/**
 * One workspace variable. `value` is the literal (an HCL expression when `hcl`); `secret` instead names
 * a runner secret (`ctx.secret`) resolved at the last moment, so the value never travels in a task
 * message or a run event. A variable given by `secret` is sensitive unless it says otherwise.
 */
export const VarSpec = z
  .object({
    key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'must be a Terraform or environment variable name'),
    value: z.string().optional(),
    secret: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, 'must be a secret name: upper-case letters, digits, _')
      .optional(),
    category: z.enum(['terraform', 'env']),
    hcl: z.boolean().optional(),
    sensitive: z.boolean().optional(),
    description: z.string().optional(),
  })
  .strict()
  .refine((v) => (v.value === undefined) !== (v.secret === undefined), {
    message: 'give exactly one of value and secret',
  });
export type VarSpec = z.infer<typeof VarSpec>;

/** A list of variables in which each key appears once per category. */
export const VarSpecList = z.array(VarSpec).superRefine((vars, ctx) => {
  const seen = new Set<string>();
  vars.forEach((v, index) => {
    const id = `${v.category}:${v.key}`;
    if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [index, 'key'], message: `${id} is repeated` });
    seen.add(id);
  });
});

/** The input of the `tfe-run` template, as `terraform.prepare` builds it. */
export const TfeRunInput = z
  .object({
    workspace: WorkspaceName,
    module: ModuleName,
    vars: VarSpecList,
    message: z.string().min(1),
    destroy: z.boolean().optional(),
    autoApply: z.boolean().optional(),
  })
  .strict();
export type TfeRunInput = z.infer<typeof TfeRunInput>;
