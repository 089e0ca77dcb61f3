/** A template after its load-time checks: what the planner runs. Built by `compileTemplate`. */
import type { ErrorCode, TaskSpec, Template } from '@oo/contracts';
import type { CompiledExpression, CompiledValue } from './expressions.js';
import type { InputValidator } from './input-schema.js';

/** The task type the engine runs itself: it starts a child run and waits for it. */
export const CHILD_RUN_TASK_TYPE = 'workflow.run';

/** One problem found while loading templates. */
export interface Problem {
  /** The template file (or the `source` given to compileTemplate). */
  readonly file: string;
  readonly task?: string;
  /** Field inside the task (or the template when there is no task): `input.vm.name`, `when`, `needs[1]`. */
  readonly path?: string;
  readonly code: ErrorCode;
  readonly reason: string;
}

export interface CompiledTask {
  readonly id: string;
  readonly spec: TaskSpec;
  /** `spec.needs` without repeats. */
  readonly needs: readonly string[];
  /** Tasks that need this one, in template order. */
  readonly dependants: readonly string[];
  readonly input: CompiledValue;
  readonly when?: CompiledExpression;
  readonly forEach?: { readonly items: CompiledExpression; readonly concurrency: number };
  /** A `workflow.run` task: the engine starts a child run instead of scheduling it on a runner. */
  readonly child: boolean;
}

export interface LoadedTemplate {
  readonly template: Template;
  /** `${name}@${version}#${first 12 hex digits of the SHA-256 of the canonical template JSON}`. */
  readonly key: string;
  readonly source: string;
  /** Internal: compiled tasks by id, in template order. */
  readonly tasks: ReadonlyMap<string, CompiledTask>;
  /** Internal: task ids, every task after its needs. */
  readonly order: readonly string[];
  /** Internal: the compiled run output mapping. */
  readonly output: CompiledValue;
  /** Internal: the compiled `input` JSON Schema. */
  readonly validateInput: InputValidator;
}
