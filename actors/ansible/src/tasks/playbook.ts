/**
 * `ansible.playbook`: the local backend, for installations without AWX. Runs a playbook of the
 * configured folder with real `ansible-playbook` on this machine, streaming its output to the task
 * log. The run's signal (cancel, timeout, runner stop) kills the playbook's process group.
 *
 * Exactly once: the result is stored in `ctx.vars` when the playbook succeeded, and a redelivery
 * returns it without running again. A runner killed mid-playbook runs it again on the redelivery,
 * so playbooks must be idempotent (as Ansible playbooks are meant to be).
 */
import { stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { OoError } from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { z } from 'zod';
import { runPlaybook } from '../playbook-runner.js';
import { taskMarker } from './launch.js';

export interface LocalBackend {
  /** Where playbooks are found by name. */
  readonly playbookDir: string;
  /** Handed to every playbook as the extra var `oo_output_dir`. */
  readonly outputDir: string;
  /** The binary (default `ansible-playbook` from PATH). */
  readonly ansiblePlaybook?: string;
}

export const PlaybookInput = z
  .object({
    /** A file name inside the playbook folder; `.yml` is added when there is no extension. */
    playbook: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a file name in the playbook folder, without a path'),
    extraVars: z.record(z.string(), z.unknown()).default({}),
    limit: z.string().min(1).optional(),
  })
  .strict();

export const PlaybookOutput = z
  .object({
    status: z.literal('successful'),
    /** The last 40 lines of output, the PLAY RECAP among them. */
    stdoutTail: z.string(),
    durationMs: z.number().int(),
  })
  .strict();

const PlaybookVars = z.object({ done: PlaybookOutput });

export function playbookTask(local: LocalBackend) {
  return defineTask({
    type: 'ansible.playbook',
    description: 'Runs a playbook of the local playbook folder with ansible-playbook on this machine.',
    input: PlaybookInput,
    output: PlaybookOutput,
    vars: PlaybookVars,
    // A failed playbook is terminal; retries cover a runner that could not start it.
    retry: { maxAttempts: 2, backoffMs: 5_000 },
    async run(ctx, input) {
      const done = ctx.vars.get('done');
      if (done !== undefined) return done;
      const playbook = await findPlaybook(local.playbookDir, input.playbook);
      const result = await runPlaybook({
        playbook,
        cwd: local.playbookDir,
        // Ours win: a request may not redirect where the playbook writes.
        extraVars: { ...input.extraVars, oo_output_dir: local.outputDir, oo_task_key: taskMarker(ctx) },
        ...(input.limit === undefined ? {} : { limit: input.limit }),
        ...(local.ansiblePlaybook === undefined ? {} : { ansiblePlaybook: local.ansiblePlaybook }),
        signal: ctx.signal,
        onStdoutLine: (line) => ctx.log.info({ stream: 'stdout', line }, 'ansible-playbook'),
        onStderrLine: (line) => ctx.log.warn({ stream: 'stderr', line }, 'ansible-playbook'),
      });
      if (result.status !== 'successful') {
        const tails =
          result.stderrTail === '' ? result.stdoutTail : `${result.stdoutTail}\n${result.stderrTail}`;
        throw new OoError(
          'OO_ERR_AWX_LOCAL_PLAYBOOK_FAILED',
          `playbook ${input.playbook} ended ${result.status} (exit ${result.exitCode})\n--- last lines of its output ---\n${tails}`,
          {
            retryable: false,
            details: {
              playbook: input.playbook,
              status: result.status,
              exitCode: result.exitCode,
              stdoutTail: result.stdoutTail,
              stderrTail: result.stderrTail,
            },
          },
        );
      }
      const output = {
        status: 'successful' as const,
        stdoutTail: result.stdoutTail,
        durationMs: result.durationMs,
      };
      await ctx.vars.set('done', output);
      return output;
    },
  });
}

/** The playbook's path, or OO_ERR_AWX_LOCAL_PLAYBOOK_INVALID when the folder has no such file. */
async function findPlaybook(dir: string, name: string): Promise<string> {
  const file = extname(name) === '' ? `${name}.yml` : name;
  const path = join(dir, basename(file));
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) {
    throw new OoError(
      'OO_ERR_AWX_LOCAL_PLAYBOOK_INVALID',
      `no playbook ${file} in the local playbook folder`,
      { details: { playbook: file } },
    );
  }
  return path;
}
