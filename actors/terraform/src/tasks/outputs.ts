/**
 * `tfe.outputs`: the outputs of the workspace's current state, by name. Sensitive outputs are `null`:
 * TFE does not return their values on this endpoint, and OO would not put them in an output (outputs
 * land in events) if it did. A read, so repeating it is harmless; TFE's 503 while it still processes
 * a new state is retried by the client.
 */
import { OoError } from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import type { TfeStateOutput } from '../state-outputs.js';
import { TfeId } from '../task-schemas.js';
import { type TerraformDeps, TFE_TASK_RETRY } from '../terraform-deps.js';

export const OutputsInput = z.object({ workspaceId: TfeId('ws') }).strict();

export const OutputsOutput = z
  .object({
    /** Output name to value; `null` for a sensitive output. */
    outputs: z.record(z.string(), z.unknown()),
    /** Names of the sensitive outputs. */
    sensitive: z.array(z.string()),
  })
  .strict();

export function outputsTask(deps: TerraformDeps) {
  return defineTask({
    type: 'tfe.outputs',
    description: 'Reads the outputs of the workspace state; sensitive values are null.',
    input: OutputsInput,
    output: OutputsOutput,
    retry: TFE_TASK_RETRY,
    async run(ctx, input) {
      let list: TfeStateOutput[];
      try {
        list = await deps.tfe().getCurrentStateOutputs(input.workspaceId, { signal: ctx.signal });
      } catch (error) {
        // No state yet (nothing was ever applied): no outputs, not a failure.
        if (!(error instanceof OoError) || error.code !== 'OO_ERR_TFE_NOT_FOUND') throw error;
        ctx.log.info({ workspaceId: input.workspaceId }, 'TFE workspace has no state yet');
        return { outputs: {}, sensitive: [] };
      }
      const outputs: Record<string, unknown> = {};
      for (const output of list) outputs[output.name] = output.sensitive ? null : output.value;
      return { outputs, sensitive: list.filter((o) => o.sensitive).map((o) => o.name) };
    },
  });
}
