/**
 * `tfe.ensure_workspace`: the workspace of a resource, found by name or created. Exactly once: the id
 * is kept in `ctx.vars`, and creating is always preceded by a lookup by name (and followed by one
 * when the create lost a race or its answer), so a repeat never makes a second workspace.
 */
import { OoError } from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import { TfeId, WorkspaceName } from '../task-schemas.js';
import { type TerraformDeps, TFE_TASK_RETRY } from '../terraform-deps.js';

export const EnsureWorkspaceInput = z
  .object({
    name: WorkspaceName,
    /** Only for a workspace created now; an existing one keeps its setting. */
    autoApply: z.boolean().optional(),
    description: z.string().optional(),
    /** false: the workspace must exist already (decommissioning); OO_ERR_TFE_NOT_FOUND otherwise. */
    create: z.boolean().default(true),
  })
  .strict();

export const EnsureWorkspaceOutput = z.object({ workspaceId: TfeId('ws') }).strict();

export function ensureWorkspaceTask(deps: TerraformDeps) {
  return defineTask({
    type: 'tfe.ensure_workspace',
    description: 'Finds the TFE workspace by name, or creates it.',
    input: EnsureWorkspaceInput,
    output: EnsureWorkspaceOutput,
    vars: z.object({ workspaceId: z.string() }),
    retry: TFE_TASK_RETRY,
    async run(ctx, input) {
      const stored = ctx.vars.get('workspaceId');
      if (stored !== undefined) return { workspaceId: stored };
      const tfe = deps.tfe();
      const call = { signal: ctx.signal };
      const workspace = input.create
        ? await tfe.ensureWorkspace(
            deps.organization,
            {
              name: input.name,
              ...(input.autoApply === undefined ? {} : { autoApply: input.autoApply }),
              ...(input.description === undefined ? {} : { description: input.description }),
            },
            call,
          )
        : await tfe.findWorkspace(deps.organization, input.name, call);
      if (!workspace) {
        throw new OoError(
          'OO_ERR_TFE_NOT_FOUND',
          `TFE workspace ${input.name} does not exist in organization ${deps.organization}`,
          { retryable: false, details: { workspace: input.name, organization: deps.organization } },
        );
      }
      await ctx.vars.set('workspaceId', workspace.id);
      ctx.log.info({ workspace: input.name, workspaceId: workspace.id }, 'TFE workspace ready');
      return { workspaceId: workspace.id };
    },
  });
}
