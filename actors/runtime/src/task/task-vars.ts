/**
 * `ctx.vars`: a task's persistent variables. A task restarted after a crash, retried, or looked at
 * again sees what it stored, which is how it avoids repeating a side effect:
 *
 * ```ts
 * if (ctx.vars.get('jobId') === undefined) await ctx.vars.set('jobId', (await launch()).id);
 * ```
 */
import { issuesText, OoError, schemaIssues } from '@oo/contracts';
import type { z } from 'zod';
import type { TaskStateHandle } from './task-state.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The shape of a task's variables; declared with a zod object on the task for typed access. */
export type TaskVarsShape = Record<string, JsonValue>;
export type TaskVarsSchema = z.ZodType<TaskVarsShape>;

export interface TaskVars<V extends TaskVarsShape = TaskVarsShape> {
  /** The stored value, or undefined when never set (or deleted). Synchronous: loaded before `run`. */
  get<K extends keyof V & string>(name: K): V[K] | undefined;
  /**
   * Stores a JSON value; the write is durable in the `task_vars` bucket when the promise resolves.
   * Throws OO_ERR_WORKFLOW_TASK_VARS_INVALID (terminal) for a value that is not JSON or does not
   * match the task's `vars` schema, and OO_ERR_WORKFLOW_TASK_VARS_CONFLICT (retryable) when another
   * delivery of the same task wrote in between.
   */
  set<K extends keyof V & string>(name: K, value: V[K]): Promise<void>;
  delete(name: keyof V & string): Promise<void>;
  /** A copy of every stored variable. */
  all(): Partial<V>;
}

function checkJson(name: string, value: unknown): JsonValue {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new OoError(
      'OO_ERR_WORKFLOW_TASK_VARS_INVALID',
      `task variable ${name} is not JSON: ${(err as Error).message}`,
    );
  }
  if (text === undefined) {
    throw new OoError(
      'OO_ERR_WORKFLOW_TASK_VARS_INVALID',
      `task variable ${name} is not JSON (use delete to unset)`,
    );
  }
  return JSON.parse(text) as JsonValue;
}

/** Field-wise check against the declared schema, when it is an object schema. */
function checkField(schema: TaskVarsSchema | undefined, name: string, value: JsonValue): void {
  const shape = (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
  if (!shape) return;
  const field = shape[name];
  if (!field) {
    throw new OoError('OO_ERR_WORKFLOW_TASK_VARS_INVALID', `task variable ${name} is not declared in vars`);
  }
  const parsed = field.safeParse(value);
  if (!parsed.success) {
    const issues = schemaIssues(parsed.error, [name]);
    throw new OoError('OO_ERR_WORKFLOW_TASK_VARS_INVALID', `invalid task variable: ${issuesText(issues)}`, {
      details: { issues },
    });
  }
}

function undeclared(name: string): OoError {
  return new OoError(
    'OO_ERR_WORKFLOW_TASK_VARS_INVALID',
    `task variable ${name} cannot be stored: the task declares no \`vars\` schema in defineTask`,
  );
}

export function taskVars<V extends TaskVarsShape>(
  state: TaskStateHandle,
  schema?: TaskVarsSchema,
): TaskVars<V> {
  return {
    get: (name) => state.current.vars[name] as V[typeof name] | undefined,
    async set(name, value) {
      // The runner skips reading a stateless task's state; storing into it would be unsafe.
      if (!schema) throw undeclared(name);
      const json = checkJson(name, value);
      checkField(schema, name, json);
      await state.save((s) => ({ ...s, vars: { ...s.vars, [name]: json } }));
    },
    async delete(name) {
      if (!(name in state.current.vars)) return;
      await state.save((s) => {
        const { [name]: _gone, ...rest } = s.vars;
        return { ...s, vars: rest };
      });
    },
    all: () => ({ ...state.current.vars }) as Partial<V>,
  };
}
