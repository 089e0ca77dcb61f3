/**
 * Loads templates and checks everything that can be checked before a run: the schema, task types,
 * `needs` (unknown, cyclic), expressions (syntax, and reads of tasks that are not among the needs),
 * `workflow.run` inputs and the input JSON Schema. Every problem is reported, not just the first.
 * Files get a few more checks (`unkeptSettings`, `elementReadsWithoutElement`) that snapshots skip.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ErrorCode, OoError, TASK_ID, TaskSpec, Template } from '@oo/contracts';
import { contentHash } from './canonical-json.js';
import {
  type CompiledExpression,
  compileExpression,
  compileValue,
  expressionsOf,
  referencedTasks,
  rootNames,
  type SyntaxProblem,
} from './expressions.js';
import { compileInputSchema } from './input-schema.js';
import {
  CHILD_RUN_TASK_TYPE,
  type CompiledTask,
  type LoadedTemplate,
  type Problem,
} from './loaded-template.js';
import { analyseGraph, dependsOn } from './template-graph.js';

/**
 * Checks and compiles one template.
 * @param source the file path (or another label) named in problems.
 * @param knownTaskTypes the task catalog; `undefined` skips the type check. `workflow.run` is always known.
 * @throws OoError OO_ERR_WORKFLOW_TEMPLATE_INVALID with `details.problems: Problem[]`, listing all of them.
 */
export function compileTemplate(
  json: unknown,
  source: string,
  knownTaskTypes: ReadonlySet<string> | undefined,
): LoadedTemplate {
  const problems: Problem[] = [];
  const add = (code: ErrorCode, reason: string, task?: string, path?: string) =>
    problems.push({ file: source, code, reason, ...(task ? { task } : {}), ...(path ? { path } : {}) });

  const parsed = Template.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, second, ...rest] = issue.path.map(String);
      if (first === 'tasks' && second !== undefined) {
        add('OO_ERR_WORKFLOW_TEMPLATE_INVALID', issue.message, second, rest.join('.') || undefined);
      } else {
        add('OO_ERR_WORKFLOW_TEMPLATE_INVALID', issue.message, undefined, issue.path.join('.') || undefined);
      }
    }
  }
  // Check what can still be checked when part of the template is malformed, so one load lists all.
  const raw = (json !== null && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const rawTasks = isRecord(raw.tasks) ? raw.tasks : {};
  const specs = parsed.success ? parsed.data.tasks : validSpecs(rawTasks);
  const allIds = new Set(Object.keys(rawTasks));

  const needs = new Map(Object.entries(specs).map(([id, spec]) => [id, [...new Set(spec.needs)]] as const));
  const graph = analyseGraph(
    new Map([...needs].map(([id, list]) => [id, list.filter((n) => allIds.has(n))])),
  );
  for (const [id, spec] of Object.entries(specs)) {
    spec.needs.forEach((need, i) => {
      if (!allIds.has(need))
        add('OO_ERR_WORKFLOW_NEEDS_UNKNOWN', `needs unknown task "${need}"`, id, `needs[${i}]`);
    });
  }
  for (const p of graph.problems) if (p.kind === 'cycle') add('OO_ERR_WORKFLOW_CYCLE', p.reason, p.task);
  const acyclic = graph.order.length === needs.size;

  const tasks = new Map<string, CompiledTask>();
  for (const [id, spec] of Object.entries(specs)) {
    const child = spec.type === CHILD_RUN_TASK_TYPE;
    if (knownTaskTypes && !child && !knownTaskTypes.has(spec.type)) {
      add('OO_ERR_WORKFLOW_TASK_TYPE_UNKNOWN', `unknown task type "${spec.type}"`, id, 'type');
    }
    if (child && !Object.hasOwn(spec.input, 'template')) {
      add('OO_ERR_WORKFLOW_TEMPLATE_INVALID', 'a workflow.run task needs input.template', id, 'input');
    }
    const syntax: SyntaxProblem[] = [];
    const input = compileValue(spec.input, 'input', syntax);
    const when = spec.when === undefined ? undefined : expressionOrProblem(spec.when, 'when', syntax);
    const items = spec.forEach ? expressionOrProblem(spec.forEach.items, 'forEach.items', syntax) : undefined;
    for (const s of syntax) add('OO_ERR_WORKFLOW_EXPRESSION_SYNTAX', s.reason, id, s.field);

    const expressions = [...expressionsOf(input), ...(when ? [when] : []), ...(items ? [items] : [])];
    for (const expr of expressions) {
      for (const ref of referencedTasks(expr)) {
        if (!allIds.has(ref)) {
          add(
            'OO_ERR_WORKFLOW_NEEDS_UNKNOWN',
            `reads tasks.${ref}, which is not a task of this template`,
            id,
            expr.field,
          );
        } else if (acyclic && !dependsOn(needs, id, ref)) {
          add(
            'OO_ERR_WORKFLOW_NEEDS_MISSING',
            `reads tasks.${ref}, which is not among its needs (add "${ref}" to needs)`,
            id,
            expr.field,
          );
        }
      }
    }
    tasks.set(id, {
      id,
      spec,
      needs: needs.get(id) ?? [],
      dependants: graph.dependants.get(id) ?? [],
      input,
      ...(when ? { when } : {}),
      ...(items && spec.forEach ? { forEach: { items, concurrency: spec.forEach.concurrency } } : {}),
      child,
    });
  }

  const outputSyntax: SyntaxProblem[] = [];
  const output = compileValue(isRecord(raw.output) ? raw.output : {}, 'output', outputSyntax);
  for (const s of outputSyntax) add('OO_ERR_WORKFLOW_EXPRESSION_SYNTAX', s.reason, undefined, s.field);
  for (const expr of expressionsOf(output)) {
    for (const ref of referencedTasks(expr)) {
      if (!allIds.has(ref)) {
        add(
          'OO_ERR_WORKFLOW_NEEDS_UNKNOWN',
          `reads tasks.${ref}, which is not a task of this template`,
          undefined,
          expr.field,
        );
      }
    }
  }

  const schema = parsed.success ? parsed.data.input : isRecord(raw.input) ? raw.input : { type: 'object' };
  const validateInput = compileInputSchema(schema);
  if ('reason' in validateInput)
    add('OO_ERR_WORKFLOW_INPUT_SCHEMA_INVALID', validateInput.reason, undefined, 'input');

  if (!parsed.success || problems.length > 0 || 'reason' in validateInput) {
    throw new OoError('OO_ERR_WORKFLOW_TEMPLATE_INVALID', describe(source, problems), {
      retryable: false,
      details: { problems },
    });
  }
  const template = parsed.data;
  return {
    template,
    key: `${template.name}@${template.version}#${contentHash(template)}`,
    source,
    tasks,
    order: graph.order,
    output,
    validateInput,
  };
}

/**
 * Loads every `*.json` directly in `dir`, in file-name order. Never throws: a file that cannot be
 * read, parsed or checked adds its problems and is left out; so is a second file with the same
 * name@version (OO_ERR_WORKFLOW_TEMPLATE_DUPLICATE).
 */
export function loadTemplatesDir(
  dir: string,
  knownTaskTypes?: ReadonlySet<string>,
): { templates: LoadedTemplate[]; problems: Problem[] } {
  const templates: LoadedTemplate[] = [];
  const problems: Problem[] = [];
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (thrown) {
    const reason = `cannot read the templates directory: ${(thrown as Error).message}`;
    return { templates, problems: [{ file: dir, code: 'OO_ERR_WORKFLOW_TEMPLATE_INVALID', reason }] };
  }
  const byNameVersion = new Map<string, LoadedTemplate>();
  for (const name of files) {
    const file = join(dir, name);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (thrown) {
      problems.push({
        file,
        code: 'OO_ERR_WORKFLOW_TEMPLATE_INVALID',
        reason: `not JSON: ${(thrown as Error).message}`,
      });
      continue;
    }
    try {
      const loaded = compileTemplate(json, file, knownTaskTypes);
      const id = `${loaded.template.name}@${loaded.template.version}`;
      const earlier = byNameVersion.get(id);
      if (earlier) {
        problems.push({
          file,
          code: 'OO_ERR_WORKFLOW_TEMPLATE_DUPLICATE',
          reason: `${id} is already defined by ${earlier.source}`,
        });
        continue;
      }
      const unkept = [...unkeptSettings(loaded, file), ...elementReadsWithoutElement(loaded, file)];
      if (unkept.length > 0) {
        problems.push(...unkept);
        continue;
      }
      byNameVersion.set(id, loaded);
      templates.push(loaded);
    } catch (thrown) {
      const listed =
        thrown instanceof OoError ? (thrown.details?.problems as Problem[] | undefined) : undefined;
      problems.push(
        ...(listed ?? [
          { file, code: 'OO_ERR_WORKFLOW_TEMPLATE_INVALID', reason: String(thrown) } as Problem,
        ]),
      );
    }
  }
  return { templates: withKnownChildren(templates, problems), problems };
}

/**
 * The templates whose `workflow.run` tasks, where they name the child template literally, name
 * one loaded here (and a version of it that is, when they give one): otherwise the miss would only
 * show when a run reached the task. Leaving a template out can leave out those that start it, so
 * this repeats until nothing more is left out. Each miss is added to `problems`.
 */
function withKnownChildren(templates: LoadedTemplate[], problems: Problem[]): LoadedTemplate[] {
  let kept = templates;
  for (;;) {
    const versions = new Map<string, number[]>();
    for (const t of kept)
      versions.set(t.template.name, [...(versions.get(t.template.name) ?? []), t.template.version]);
    const next = kept.filter((t) => {
      const missing = unknownChildren(t, versions);
      problems.push(...missing);
      return missing.length === 0;
    });
    if (next.length === kept.length) return kept;
    kept = next;
  }
}

function unknownChildren(loaded: LoadedTemplate, versions: ReadonlyMap<string, number[]>): Problem[] {
  const problems: Problem[] = [];
  for (const [id, task] of loaded.tasks) {
    if (!task.child) continue;
    const { template, version } = (task.spec.input ?? {}) as { template?: unknown; version?: unknown };
    // `=...` is an expression, known only when the run gets there.
    if (typeof template !== 'string' || template.startsWith('=')) continue;
    const known = versions.get(template);
    const problem = (path: string, reason: string): Problem => ({
      file: loaded.source,
      task: id,
      path,
      code: 'OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND',
      reason,
    });
    if (!known) {
      problems.push(
        problem('input.template', `starts template "${template}", which no loaded template file defines`),
      );
    } else if (typeof version === 'number' && !known.includes(version)) {
      const have = [...known].sort((a, b) => a - b).join(', ');
      problems.push(
        problem('input.version', `starts ${template}@${version}; the loaded files define versions ${have}`),
      );
    }
  }
  return problems;
}

/**
 * Settings a template file may not have although the engine would run it, because they would not
 * do what they say. Checked on files, not in `compileTemplate`: a snapshot of a template that runs
 * started with before a check was added must still compile, or those runs could not go on.
 */
function unkeptSettings(loaded: LoadedTemplate, file: string): Problem[] {
  const problems: Problem[] = [];
  for (const [id, task] of loaded.tasks) {
    if (!task.child) continue;
    // The engine runs a child run itself; retries and deadlines are the runner's, which never sees it.
    if (task.spec.retry) {
      const reason =
        'a workflow.run task is not retried: it ends as its child run does (give its tasks retry)';
      problems.push({ file, task: id, path: 'retry', code: 'OO_ERR_WORKFLOW_TEMPLATE_INVALID', reason });
    }
    if (task.spec.timeoutMs !== undefined) {
      const reason =
        'a workflow.run task has no timeout: it waits for its child run (give its tasks timeoutMs)';
      problems.push({ file, task: id, path: 'timeoutMs', code: 'OO_ERR_WORKFLOW_TEMPLATE_INVALID', reason });
    }
  }
  return problems;
}

/**
 * Reads of `item` or `index` where there is no forEach element, which would always be undefined:
 * only a forEach task's `input` is evaluated per element; its `when` and `forEach.items` are
 * evaluated once before any, and other tasks and the run output have none. Checked on files, for
 * the reason unkeptSettings is.
 */
function elementReadsWithoutElement(loaded: LoadedTemplate, file: string): Problem[] {
  const problems: Problem[] = [];
  const check = (exprs: readonly CompiledExpression[], task?: string) => {
    for (const expr of exprs) {
      const names = rootNames(expr);
      for (const name of ['item', 'index'].filter((n) => names.has(n))) {
        const reason = `reads ${name}, which only a forEach task's input has (here it is always undefined)`;
        problems.push({
          file,
          ...(task ? { task } : {}),
          path: expr.field,
          code: 'OO_ERR_WORKFLOW_TEMPLATE_INVALID',
          reason,
        });
      }
    }
  };
  for (const [id, task] of loaded.tasks) {
    const input = task.forEach ? [] : expressionsOf(task.input);
    check([...input, ...(task.when ? [task.when] : []), ...(task.forEach ? [task.forEach.items] : [])], id);
  }
  check(expressionsOf(loaded.output));
  return problems;
}

/** One line per problem: `templates/x.json: task "b" (needs[0]): needs unknown task "z"`. */
export function formatProblem(p: Problem): string {
  const where = [p.task ? `task "${p.task}"` : '', p.path ? `(${p.path})` : ''].filter(Boolean).join(' ');
  return `${p.file}: ${where ? `${where}: ` : ''}${p.reason}`;
}

function describe(source: string, problems: readonly Problem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [
    `template ${source} is invalid (${count}):`,
    ...problems.map((p) => `  - ${formatProblem(p)}`),
  ].join('\n');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function validSpecs(rawTasks: Record<string, unknown>): Record<string, TaskSpec> {
  const out: Record<string, TaskSpec> = {};
  for (const [id, spec] of Object.entries(rawTasks)) {
    const parsed = TaskSpec.safeParse(spec);
    if (TASK_ID.test(id) && parsed.success) out[id] = parsed.data;
  }
  return out;
}

function expressionOrProblem(
  source: string,
  field: string,
  problems: SyntaxProblem[],
): CompiledExpression | undefined {
  const compiled = compileExpression(source, field);
  if ('reason' in compiled) {
    problems.push(compiled);
    return undefined;
  }
  return compiled;
}
