/**
 * `tfe.set_vars`: upserts workspace variables (a variable whose key and category exist is updated,
 * any other is created; variables not named are left alone). An upsert is idempotent in effect; the
 * count kept in `ctx.vars` makes a repeat after success a no-op, and a repeat after a lost answer
 * finds the variable by key and updates it rather than creating it twice.
 *
 * Values of sensitive variables appear in no output, log line or error: only keys are logged, the
 * client redacts the values from TFE's answers, and a `secret` reference is resolved here, so the
 * value never travels in a message at all.
 */
import { defineTask, type TaskContext } from '@oo/runtime';
import { z } from 'zod';
import { TfeId, type VarSpec, VarSpecList } from '../task-schemas.js';
import { type TerraformDeps, TFE_TASK_RETRY } from '../terraform-deps.js';
import type { VariableInput } from '../variables.js';

export const SetVarsInput = z.object({ workspaceId: TfeId('ws'), vars: VarSpecList }).strict();
export const SetVarsOutput = z.object({ count: z.number().int().nonnegative() }).strict();

export function setVarsTask(deps: TerraformDeps) {
  return defineTask({
    type: 'tfe.set_vars',
    description: 'Creates or updates workspace variables; sensitive values stay write-only.',
    input: SetVarsInput,
    output: SetVarsOutput,
    vars: z.object({ count: z.number() }),
    retry: TFE_TASK_RETRY,
    async run(ctx, input) {
      const done = ctx.vars.get('count');
      if (done !== undefined) return { count: done };
      const variables = input.vars.map((spec) => toVariableInput(ctx, spec));
      await deps.tfe().setVariables(input.workspaceId, variables, { signal: ctx.signal });
      await ctx.vars.set('count', variables.length);
      ctx.log.info(
        {
          workspaceId: input.workspaceId,
          keys: variables.map((v) => `${v.category}:${v.key}${v.sensitive ? ' (sensitive)' : ''}`),
        },
        'TFE workspace variables set',
      );
      return { count: variables.length };
    },
  });
}

function toVariableInput(ctx: Pick<TaskContext, 'secret'>, spec: VarSpec): VariableInput {
  const fromSecret = spec.secret !== undefined;
  return {
    key: spec.key,
    // ctx.secret throws OO_ERR_WORKFLOW_SECRET_MISSING (terminal) naming only the secret.
    value: fromSecret ? ctx.secret(spec.secret!) : spec.value!,
    category: spec.category,
    hcl: spec.hcl ?? false,
    sensitive: spec.sensitive ?? fromSecret,
    ...(spec.description === undefined ? {} : { description: spec.description }),
  };
}
