/**
 * `tfe.upload_config`: a new configuration version (auto-queue-runs false) holding the module's files,
 * uploaded and processed by TFE. Creating the version and uploading are one task because the upload
 * URL is a one-time credential that TFE shows only in the create answer: it stays in this task's
 * `ctx.vars` (the task_vars bucket) and never enters a task output, which lands in events.
 *
 * Exactly once in effect, per step, through `ctx.vars`:
 *   create   the id and URL are stored as soon as TFE answers; a lost answer leaves at most a
 *            `pending` version that no run uses (harmless, and TFE never queues a run for it).
 *   upload   the time of the PUT is stored before it is sent. A repeat after a crash does not PUT
 *            again (the URL may be spent) but watches the version: once it leaves `pending` the
 *            upload arrived; still `pending` after `uploadTimeoutMs`, a fresh version is made.
 *   process  polled with `ctx.again` until `uploaded`. `errored` after a PUT TFE acknowledged is
 *            terminal (the files are wrong); after an interrupted PUT it means a cut-short upload,
 *            and a fresh version follows.
 */
import { OoError } from '@oo/contracts';
import { defineTask, type TaskContext } from '@oo/runtime';
import { z } from 'zod';
import { buildConfigTarball, readModuleDirectory } from '../config-tarball.js';
import { moduleDirectory } from '../module-directory.js';
import { ModuleName, TfeId } from '../task-schemas.js';
import { type TerraformDeps, TFE_TASK_RETRY } from '../terraform-deps.js';

export const UploadConfigInput = z
  .object({
    workspaceId: TfeId('ws'),
    module: ModuleName,
    /** Extra or replacing files, by path inside the configuration (`overrides.tf`). */
    files: z.record(z.string(), z.string()).optional(),
    /** Delay between looks at the configuration version (ms); default the runner's. */
    pollMs: z.number().int().min(10).max(600_000).optional(),
  })
  .strict();

export const UploadConfigOutput = z
  .object({
    configurationVersionId: TfeId('cv'),
    uploaded: z.literal(true),
    /** Paths in the uploaded archive. */
    files: z.array(z.string()),
  })
  .strict();

const Cv = z.object({
  id: z.string(),
  /** Null once used: the URL is worthless afterwards and is not kept. */
  uploadUrl: z.string().nullable(),
  /** When the PUT was sent (ms since epoch), null before. */
  putAt: z.number().nullable(),
  /** TFE answered the PUT with 2xx: what it holds is exactly the tarball sent. */
  putConfirmed: z.boolean(),
  /** Paths in the tarball. */
  files: z.array(z.string()),
});
type Cv = z.infer<typeof Cv>;

export function uploadConfigTask(deps: TerraformDeps) {
  return defineTask({
    type: 'tfe.upload_config',
    description: 'Creates a configuration version and uploads the module to it.',
    input: UploadConfigInput,
    output: UploadConfigOutput,
    vars: z.object({ cv: Cv }),
    retry: TFE_TASK_RETRY,
    async run(ctx, input) {
      const tfe = deps.tfe();
      const call = { signal: ctx.signal };
      let cv = ctx.vars.get('cv');
      if (cv === undefined || cv.putAt === null) {
        // Built before the version is made, so a bad module leaves no orphan version behind, and
        // deterministic, so a version made again gets identical bytes.
        const moduleFiles = {
          ...(await readModuleDirectory(moduleDirectory(deps.modulesDir, input.module))),
          ...input.files,
        };
        const tarball = buildConfigTarball(moduleFiles);
        if (cv === undefined) {
          const created = await tfe.createConfigurationVersion(input.workspaceId, {}, call);
          cv = {
            id: created.configurationVersion.id,
            uploadUrl: created.uploadUrl,
            putAt: null,
            putConfirmed: false,
            files: Object.keys(moduleFiles).sort(),
          };
          await ctx.vars.set('cv', cv);
        }
        cv = await put(ctx, deps, cv, tarball);
      }
      const { files } = cv;

      const current = await tfe.getConfigurationVersion(cv.id, call);
      if (current.status === 'uploaded') {
        ctx.log.info({ configurationVersionId: cv.id, files: files.length }, 'TFE configuration uploaded');
        return { configurationVersionId: cv.id, uploaded: true as const, files };
      }
      const why = current.errorMessage ?? 'no reason given';
      if (current.status === 'errored' && cv.putConfirmed) {
        throw new OoError(
          'OO_ERR_TFE_CONFIG_INVALID',
          `TFE could not use configuration version ${cv.id}: ${why}`,
          {
            retryable: false,
            details: { configurationVersionId: cv.id, errorMessage: current.errorMessage },
          },
        );
      }
      const stale = current.status === 'pending' && ctx.clock.now() - cv.putAt! > deps.uploadTimeoutMs;
      if (current.status === 'errored' || stale) {
        // An upload cut short (errored) or lost (still pending): start over with a fresh version.
        await ctx.vars.delete('cv');
        throw new OoError(
          'OO_ERR_TFE_UPLOAD_FAILED',
          stale
            ? `configuration version ${cv.id} was still pending ${deps.uploadTimeoutMs} ms after its upload`
            : `configuration version ${cv.id} errored after an interrupted upload: ${why}`,
          { retryable: true, details: { configurationVersionId: cv.id } },
        );
      }
      return ctx.again(input.pollMs ?? deps.pollMs);
    },
  });
}

/**
 * Sends the tarball once. The PUT is recorded before it is sent: after a crash during it the URL
 * may be spent, so no later delivery uses it again. A PUT that failed and left the version
 * `pending` is given up on at once (retryable: the next attempt makes a fresh version).
 */
async function put(
  ctx: TaskContext<{ cv: Cv }>,
  deps: TerraformDeps,
  cv: Cv,
  tarball: Uint8Array,
): Promise<Cv> {
  const sent: Cv = { ...cv, uploadUrl: null, putAt: ctx.clock.now() };
  await ctx.vars.set('cv', sent);
  try {
    await deps.tfe().uploadConfiguration(cv.uploadUrl!, tarball, { signal: ctx.signal });
  } catch (error) {
    if (!(error instanceof OoError) || error.code !== 'OO_ERR_TFE_UPLOAD_FAILED') throw error;
    const status = (await deps.tfe().getConfigurationVersion(cv.id, { signal: ctx.signal })).status;
    if (status !== 'pending') return sent;
    ctx.log.warn(
      { configurationVersionId: cv.id, err: error.message },
      'upload failed; a new version follows',
    );
    await ctx.vars.delete('cv');
    throw new OoError('OO_ERR_TFE_UPLOAD_FAILED', error.message, {
      retryable: true,
      details: error.details ?? {},
      cause: error,
    });
  }
  const confirmed: Cv = { ...sent, putConfirmed: true };
  await ctx.vars.set('cv', confirmed);
  return confirmed;
}
