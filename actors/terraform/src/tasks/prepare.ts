/**
 * `terraform.prepare`: a commit of common-format files (`rfm.commit`'s CommitRef) to the child
 * workflow that builds them: `{ template: 'tfe-run', input }`, ready for a `workflow.run` task. Files
 * are read at that exact commit, so later commits cannot change what gets built. Reads only (a git
 * mirror in the runner's cache folder), so a repeat is harmless and gives the same answer.
 *
 * With several files, `runs` holds one `{ template, input }` per file (for a `forEach`), and
 * `template` / `input` are the first file's.
 */
import { CommitRef } from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import { prepareTfeRuns } from '../prepare-resource.js';
import { TfeRunInput } from '../task-schemas.js';
import { type TerraformDeps, TFE_TASK_RETRY } from '../terraform-deps.js';

const PreparedRun = z.object({ template: z.string(), input: TfeRunInput }).strict();

export const PrepareOutput = z
  .object({ template: z.string(), input: TfeRunInput, runs: z.array(PreparedRun).min(1) })
  .strict();

export function prepareTask(deps: TerraformDeps) {
  return defineTask({
    type: 'terraform.prepare',
    description: 'Reads resource files at a commit and maps them to the input of the tfe-run workflow.',
    input: CommitRef,
    output: PrepareOutput,
    retry: TFE_TASK_RETRY,
    async run(ctx, input) {
      const runs = await prepareTfeRuns(input, {
        gitCacheDir: deps.gitCacheDir,
        modulesDir: deps.modulesDir,
        variableDefaults: deps.variableDefaults,
        extraVars: deps.extraVars,
        signal: ctx.signal,
      });
      ctx.log.info(
        { commit: input.commit, workspaces: runs.map((r) => r.input.workspace) },
        'resources prepared for Terraform',
      );
      const [first] = runs;
      return { template: first!.template, input: first!.input, runs };
    },
  });
}
