/**
 * `rfm.commit`: the request file -> handlers -> common-format files -> one commit per resource
 * repository, pushed. Output: the CommitRef of the first resource's type; a request spanning several
 * resource types lists the other commits in `more`.
 *
 * Idempotent: the policy version is pinned in `ctx.vars` at the first attempt, allocations are keyed
 * by (request, resource index, ordinal) and resources carry the request's `submittedAt`, so a
 * redelivery writes the same bytes and finds its commit instead of making another.
 */
import { CommitRef } from '@oo/contracts';
import { getPolicy, policyVersion } from '@oo/read-model';
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import { commitRequest } from '../git-commit.js';
import { releaseRequest } from '../release.js';
import { fetchRequestFile } from '../request-file.js';
import { resolveRequest } from '../resolve-request.js';
import { resourceFiles } from '../resource-files.js';
import type { RfmDeps } from '../rfm-options.js';

export const RfmCommitInput = z.object({
  requestId: z.string().min(1),
  fileUrl: z.url(),
  /** The request's resources as submitted; informational — RFM reads the request file. */
  resources: z.array(z.unknown()).optional(),
  managed: z.boolean().optional(),
  submittedBy: z.string().optional(),
});
export type RfmCommitInput = z.infer<typeof RfmCommitInput>;

export const RfmCommitOutput = CommitRef.extend({ more: z.array(CommitRef).optional() });
export type RfmCommitOutput = z.infer<typeof RfmCommitOutput>;

const CommitVars = z.object({ policyVersion: z.number().int() });

/** Principal RFM shows the file store. */
const RFM_PRINCIPAL = { sub: 'rfm', role: 'service' } as const;

export function rfmCommitTask(deps: RfmDeps) {
  return defineTask({
    type: 'rfm.commit',
    description: 'Request file -> resource handlers -> common-format files committed to git',
    input: RfmCommitInput,
    output: RfmCommitOutput,
    vars: CommitVars,
    retry: { maxAttempts: 5, backoffMs: 2_000, maxBackoffMs: 30_000 },
    timeoutMs: 300_000,
    async run(ctx, input) {
      const token = await deps.tokens().mint(RFM_PRINCIPAL, 300);
      const file = await fetchRequestFile(ctx.http, input.fileUrl, token, input.requestId);
      const db = await deps.db();
      const pinned = ctx.vars.get('policyVersion');
      const record =
        (pinned === undefined ? undefined : await policyVersion(db, pinned)) ?? (await getPolicy(db));
      if (pinned === undefined) await ctx.vars.set('policyVersion', record.version);
      const groups = await resolveRequest(
        { db, handlers: deps.handlers, namePattern: deps.namePattern },
        record.policy,
        file,
      );
      const refs: CommitRef[] = [];
      for (const group of groups) {
        const repo = await deps.repos.urlFor(group.handler.type);
        const { files, paths } = resourceFiles(group.handler, group.resources, file.body.managed);
        const commit = await commitRequest(
          deps.repos,
          { repo, requestId: file.requestId, traceId: file.traceId, files },
          deps.hooks,
        );
        ctx.log.info({ repo, commit, files: paths, policyVersion: record.version }, 'resources committed');
        refs.push({ repo, commit, files: paths });
      }
      const [first, ...more] = refs;
      return { ...first!, ...(more.length > 0 ? { more } : {}) };
    },
    async onCancel(_ctx, input) {
      await releaseRequest(await deps.db(), input.requestId);
    },
  });
}
