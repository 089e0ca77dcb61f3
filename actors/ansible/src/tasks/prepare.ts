/**
 * `ansible.prepare`: from a commit of a resource repository (RFM's `CommitRef`) to the child
 * workflow that builds the resources: `{ template: 'awx-job', input }`, ready for a `workflow.run`
 * task — one AWX job, so one extra_vars set, per resource. With several files, `runs` holds one
 * `{ template, input }` per file (for a `forEach`), and `template` / `input` are the first file's.
 *
 * Reads `oo-repo.json` and every common-format file at that exact commit (never a checkout: later
 * commits cannot change what is read), validates them with the contracts schemas, and maps each
 * resource to extra vars. Read-only and deterministic, so repeating it is harmless. The output
 * carries no secret (the repository URL, which may hold a token, is left out).
 */
import { CommitRef, CommonResource, issuesText, OoError, RepoMetadata, schemaIssues } from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import { extraVarsFor } from '../extra-vars.js';
import type { GitCache } from '../git-cache.js';

export const REPO_METADATA_FILE = 'oo-repo.json';

/** The input of the `awx-job` template. */
export const AwxJobInput = z
  .object({
    jobTemplate: z.string().min(1),
    extraVars: z.record(z.string(), z.unknown()),
    limit: z.string().min(1).optional(),
  })
  .strict();

const PreparedRun = z.object({ template: z.string(), input: AwxJobInput }).strict();

export const PrepareOutput = z
  .object({
    /** The first resource's child workflow (oo-repo.json `workflow`: `awx-job`) ... */
    template: z.string(),
    /** ... and its input: with one resource, all a `workflow.run` task needs. */
    input: AwxJobInput,
    /** One `{ template, input }` per file, in the order of `files`, for a `forEach`. */
    runs: z.array(PreparedRun).min(1),
  })
  .strict();

export function prepareTask(git: GitCache) {
  return defineTask({
    type: 'ansible.prepare',
    description: 'Reads the common format at a commit and builds one AWX job input per resource.',
    input: CommitRef,
    output: PrepareOutput,
    retry: { maxAttempts: 5, backoffMs: 5_000, maxBackoffMs: 60_000 },
    async run(ctx, ref) {
      for (const file of ref.files) checkPath(file);
      await git.ensureCommit(ref.repo, ref.commit, ctx.signal);
      const read = (path: string) => git.readAt(ref.repo, ref.commit, path, ctx.signal);

      const meta = parseFile(await read(REPO_METADATA_FILE), REPO_METADATA_FILE, ref.commit, RepoMetadata);
      if (meta.managed || meta.jobTemplate === undefined) {
        throw new OoError(
          'OO_ERR_AWX_REPO_METADATA_INVALID',
          `${REPO_METADATA_FILE} at ${ref.commit} names no AWX job template (managed: ${meta.managed}, jobTemplate unset): the resources of this repository are not built with Ansible`,
          { details: { file: REPO_METADATA_FILE, commit: ref.commit } },
        );
      }
      const jobTemplate = meta.jobTemplate;
      const resources = [];
      for (const file of ref.files) {
        const resource = parseFile(await read(file), file, ref.commit, CommonResource);
        resources.push({ file, resource });
      }
      ctx.log.info(
        { commit: ref.commit, jobTemplate, resources: resources.length },
        'common format read at the commit',
      );
      const runs = resources.map(({ file, resource }) => ({
        template: meta.workflow,
        input: { jobTemplate, extraVars: extraVarsFor(resource, { commit: ref.commit, file }) },
      }));
      const [first] = runs;
      return { template: first!.template, input: first!.input, runs };
    },
  });
}

/** Repository-relative, no `..`: the path is read with `git cat-file`, never joined to a folder. */
function checkPath(path: string): void {
  const segments = path.split('/');
  if (path.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new OoError(
      'OO_ERR_AWX_RESOURCE_INVALID',
      `resource file path ${path} is not relative to the repository`,
      {
        details: { file: path },
      },
    );
  }
}

function parseFile<S extends z.ZodType>(
  text: string | undefined,
  file: string,
  commit: string,
  schema: S,
): z.output<S> {
  const code =
    file === REPO_METADATA_FILE ? 'OO_ERR_AWX_REPO_METADATA_INVALID' : 'OO_ERR_AWX_RESOURCE_INVALID';
  const fail = (why: string, extra: Record<string, unknown> = {}) =>
    new OoError(code, `${file} at ${commit} ${why}`, { details: { file, commit, ...extra } });
  if (text === undefined) throw fail('does not exist');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw fail(`is not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = schemaIssues(parsed.error);
    throw fail(`does not match its schema: ${issuesText(issues)}`, { issues });
  }
  return parsed.data;
}
