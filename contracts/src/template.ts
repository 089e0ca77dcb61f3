/**
 * Workflow templates (templates/*.json): a DAG of small typed tasks.
 *
 * Expressions: any string value that starts with `=` is a JSONata expression (`"=input.network"`);
 * write `==` to start a literal string with `=`. Expressions see:
 *   input    the run's input
 *   tasks    { <taskId>: { output, status } } of tasks that have finished
 *   run      { id, template, version, requestId, traceId, parentRunId }
 *   item, index   the current element and its position, inside a `forEach` task
 */
import { z } from 'zod';

export const TASK_ID = /^[a-z][a-zA-Z0-9_]*$/;
export const TASK_TYPE = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
export const TEMPLATE_NAME = /^[a-z][a-z0-9-]*$/;

export const TaskRetry = z
  .object({
    /** Attempts in all, the first included. */
    maxAttempts: z.number().int().min(1).max(50).default(3),
    /** Delay before the 2nd attempt (ms); doubles each attempt. */
    backoffMs: z.number().int().min(0).max(3_600_000).default(1_000),
    /** No delay grows past this (ms). */
    maxBackoffMs: z.number().int().min(0).max(86_400_000).default(60_000),
    /** Up to this fraction of each delay is added, spread deterministically per run and task. */
    jitter: z.number().min(0).max(1).default(0.2),
  })
  .strict();
export type TaskRetry = z.infer<typeof TaskRetry>;

export const TaskSpec = z
  .object({
    type: z.string().regex(TASK_TYPE, 'must be a task type like http.request or awx.launch'),
    description: z.string().optional(),
    /** Ids of tasks that must finish first. */
    needs: z.array(z.string().regex(TASK_ID)).default([]),
    /** The task's input: literals and `=`-expressions, nested freely. */
    input: z.record(z.string(), z.unknown()).default({}),
    /** Expression; when false the task is skipped (and so are tasks that need only skipped tasks' outputs). */
    when: z.string().startsWith('=', 'must be an expression starting with =').optional(),
    /** `fail` (default) ends the run when the task fails for good; `continue` lets the run go on. */
    onFailure: z.enum(['fail', 'continue']).default('fail'),
    retry: TaskRetry.optional(),
    /** An attempt running longer than this fails with OO_ERR_TIMEOUT (ms). */
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(7 * 86_400_000)
      .optional(),
    /** Fan-out: one execution per element of `items`, at most `concurrency` at once. */
    forEach: z
      .object({
        items: z.string().startsWith('=', 'must be an expression starting with ='),
        concurrency: z.number().int().min(1).max(1_000).default(10),
      })
      .strict()
      .optional(),
  })
  .strict();
export type TaskSpec = z.infer<typeof TaskSpec>;

export const Template = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(TEMPLATE_NAME, 'must be lower-case letters, digits and dashes'),
    version: z.number().int().min(1),
    description: z.string().default(''),
    /** JSON Schema of the run input. */
    input: z.record(z.string(), z.unknown()).default({ type: 'object' }),
    tasks: z
      .record(
        z.string().regex(TASK_ID, 'task ids are letters, digits and _ starting with a letter'),
        TaskSpec,
      )
      .refine((tasks) => Object.keys(tasks).length > 0, 'a template needs at least one task'),
    /** Run output: name -> expression or literal. */
    output: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type Template = z.infer<typeof Template>;
export type TemplateInput = z.input<typeof Template>;
