/**
 * The rfm runner: `rfm.commit` and `rfm.release`, built from options.
 *
 * ```ts
 * const rfm = rfmRunnerFor({ dataDir: config.dataDir, authSecret: config.auth.secret, db: readModel.db });
 * await startActor(rfm, { config });
 * ```
 */
import { type ActorDefinition, type AnyTaskDefinition, defineRunner } from '@oo/runtime';
import { assertGitRuns } from './git-repos.js';
import { type RfmOptions, rfmDeps } from './rfm-options.js';
import { rfmCommitTask } from './tasks/commit.js';
import { rfmReleaseTask } from './tasks/release.js';

export const RFM_TASK_TYPES = ['rfm.commit', 'rfm.release'] as const;

/** The tasks and a `close` for what they share (the database when RFM opened it). */
export function rfmTasksFor(options: RfmOptions): {
  tasks: readonly AnyTaskDefinition[];
  close(): Promise<void>;
} {
  const deps = rfmDeps(options);
  return { tasks: [rfmCommitTask(deps), rfmReleaseTask(deps)], close: () => deps.close() };
}

/**
 * The rfm runner actor (name `rfm`; replicas share the work). Throws on a bad naming pattern,
 * duplicate handlers, or no git to commit with (OO_ERR_RFM_GIT_MISSING).
 */
export function rfmRunnerFor(options: RfmOptions): ActorDefinition {
  assertGitRuns();
  const { tasks, close } = rfmTasksFor(options);
  return defineRunner({
    name: 'rfm',
    version: '0.1.0',
    description: 'Resource file management: handlers, policy, IPAM, naming, placement, git commits',
    tasks,
    stop: close,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.ackWaitMs === undefined ? {} : { ackWaitMs: options.ackWaitMs }),
  });
}
