/**
 * Template expressions: any string starting with `=` is JSONata (`==` starts a literal `=`). They are
 * compiled once when a template loads and evaluated by the planner, which must stay deterministic:
 * `$now()` and `$millis()` return the scope's `time`, never the clock. The planner passes the `at` of
 * the event that made the task (or forEach element) ready, kept as `scheduledAt` so a reconcile
 * re-evaluation yields the same input; for the run output, the `at` of the event that ends the run.
 * `$random()` throws.
 */
import { OoError } from '@oo/contracts';
import jsonata from 'jsonata';

/** A template value with its expressions compiled; literal subtrees are returned as they are. */
export type CompiledValue =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'expr'; readonly expr: CompiledExpression }
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, CompiledValue]> }
  | { readonly kind: 'array'; readonly items: readonly CompiledValue[] };

export interface CompiledExpression {
  /** Where it sits in the template, for messages: `input.vm.name`, `when`, `forEach.items`, `output.ip`. */
  readonly field: string;
  readonly source: string;
  readonly jsonata: jsonata.Expression;
  /** The names of a plain path such as `tasks.a.output`, which is read without JSONata (`readPath`). */
  readonly path?: readonly string[];
}

/** What an expression sees. */
export interface ExpressionScope {
  readonly input: unknown;
  readonly tasks: unknown;
  readonly run: unknown;
  readonly item?: unknown;
  readonly index?: number;
  /** RFC 3339; what `$now()` returns. */
  readonly time: string;
}

export interface SyntaxProblem {
  readonly field: string;
  readonly reason: string;
}

// Runaway expressions must fail, deterministically (a wall-clock timeout would make planning depend on
// machine load): recursion depth is capped, and so is the number of evaluation steps, counted on the
// per-evaluation environment through JSONata's evaluate-entry hook (tail calls do not grow the depth).
const OPTIONS = { stack: 300 };
const MAX_STEPS = 500_000;
const ENTRY_HOOK = Symbol.for('jsonata.__evaluate_entry');

function countStep(_expr: unknown, _input: unknown, environment: { base: { ooSteps?: number } }): void {
  const base = environment.base;
  base.ooSteps = (base.ooSteps ?? 0) + 1;
  if (base.ooSteps > MAX_STEPS) {
    throw { code: 'OO_STEPS', message: `expression exceeded ${MAX_STEPS} evaluation steps` };
  }
}

/** Compiles `=<jsonata>`; returns the problem instead when it does not parse. */
export function compileExpression(source: string, field: string): CompiledExpression | SyntaxProblem {
  try {
    const compiled = jsonata(source.slice(1), OPTIONS);
    // assign() is typed for names, but JSONata's hooks are bound under symbols.
    compiled.assign(ENTRY_HOOK as unknown as string, countStep);
    const path = plainPath(compiled.ast());
    return { field, source, jsonata: compiled, ...(path ? { path } : {}) };
  } catch (thrown) {
    const e = thrown as { message?: string; position?: number };
    return {
      field,
      reason: `expression does not compile: ${e.message ?? String(thrown)} (at ${e.position ?? '?'})`,
    };
  }
}

/** The names of `a.b.c` (names only: no filter, index, `[]`, function or operator); else undefined. */
function plainPath(ast: jsonata.ExprNode): string[] | undefined {
  const node = ast as { type?: string; steps?: Array<Record<string, unknown>>; keepSingletonArray?: boolean };
  if (node.type !== 'path' || !node.steps || node.keepSingletonArray) return undefined;
  const names: string[] = [];
  for (const step of node.steps) {
    if (step.type !== 'name' || typeof step.value !== 'string') return undefined;
    // `constructor`, `__proto__` and the like: leave the corner cases of such names to JSONata.
    if (step.value in Object.prototype) return undefined;
    for (const key of Object.keys(step)) {
      if (key !== 'type' && key !== 'value' && key !== 'position') return undefined;
    }
    names.push(step.value);
  }
  return names;
}

const NEEDS_JSONATA = Symbol('needs JSONata');

/**
 * A plain path read directly: most template expressions are `=tasks.x.output.y` or `=input.z`,
 * and JSONata's evaluator costs several times the lookup. Where JSONata's semantics go beyond a
 * lookup (it maps a path over arrays and flattens sequences), the expression is left to it.
 */
function readPath(path: readonly string[], context: object): unknown {
  let value: unknown = context;
  for (const name of path) {
    if (value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) return NEEDS_JSONATA;
    if (!Object.hasOwn(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return Array.isArray(value) ? NEEDS_JSONATA : value;
}

function isProblem(x: CompiledExpression | SyntaxProblem): x is SyntaxProblem {
  return 'reason' in x;
}

/** Compiles every expression in a template value, reporting each one that does not parse. */
export function compileValue(value: unknown, field: string, problems: SyntaxProblem[]): CompiledValue {
  if (typeof value === 'string') {
    if (value.startsWith('==')) return { kind: 'literal', value: value.slice(1) };
    if (!value.startsWith('=')) return { kind: 'literal', value };
    const compiled = compileExpression(value, field);
    if (isProblem(compiled)) {
      problems.push(compiled);
      return { kind: 'literal', value: null };
    }
    return { kind: 'expr', expr: compiled };
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileValue(v, `${field}[${i}]`, problems));
    return items.every((n) => n.kind === 'literal') ? { kind: 'literal', value } : { kind: 'array', items };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(
      ([k, v]) => [k, compileValue(v, field ? `${field}.${k}` : k, problems)] as const,
    );
    return entries.every(([, n]) => n.kind === 'literal')
      ? { kind: 'literal', value }
      : { kind: 'object', entries };
  }
  return { kind: 'literal', value };
}

/** Every compiled expression inside a value. */
export function expressionsOf(node: CompiledValue): CompiledExpression[] {
  switch (node.kind) {
    case 'literal':
      return [];
    case 'expr':
      return [node.expr];
    case 'array':
      return node.items.flatMap(expressionsOf);
    case 'object':
      return node.entries.flatMap(([, n]) => expressionsOf(n));
  }
}

/**
 * Evaluates a value. Throws OoError OO_ERR_WORKFLOW_EXPRESSION (with the field and JSONata's code and
 * position) when an expression throws. Results are plain JSON: what a task receives over the bus.
 */
export async function evaluateValue(node: CompiledValue, scope: ExpressionScope): Promise<unknown> {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'expr':
      return evaluateExpression(node.expr, scope);
    case 'array': {
      const out: unknown[] = [];
      for (const item of node.items) out.push((await evaluateValue(item, scope)) ?? null);
      return out;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of node.entries) {
        const v = await evaluateValue(value, scope);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
  }
}

export async function evaluateExpression(expr: CompiledExpression, scope: ExpressionScope): Promise<unknown> {
  const context = {
    input: scope.input,
    tasks: scope.tasks,
    run: scope.run,
    ...(scope.index === undefined ? {} : { item: scope.item, index: scope.index }),
  };
  if (expr.path) {
    const value = readPath(expr.path, context);
    if (value !== NEEDS_JSONATA) return toJson(value);
  }
  try {
    return toJson(await expr.jsonata.evaluate(context, deterministicBindings(scope.time)));
  } catch (thrown) {
    if (thrown instanceof OoError) throw thrown;
    const e = thrown as { message?: string; code?: string; position?: number; token?: string };
    throw new OoError('OO_ERR_WORKFLOW_EXPRESSION', `${expr.field}: ${e.message ?? String(thrown)}`, {
      retryable: false,
      details: {
        field: expr.field,
        expression: expr.source,
        ...(e.code === undefined ? {} : { jsonataCode: e.code }),
        ...(e.position === undefined ? {} : { position: e.position }),
      },
    });
  }
}

// Formatting goes through JSONata's own $fromMillis so `$now(picture, timezone)` behaves as documented.
const FROM_MILLIS = jsonata('$fromMillis($ms, $picture, $timezone)');

function deterministicBindings(time: string): Record<string, unknown> {
  const ms = Date.parse(time);
  return {
    now: (picture?: string, timezone?: string) => FROM_MILLIS.evaluate({}, { ms, picture, timezone }),
    millis: () => ms,
    random: () => {
      throw new OoError(
        'OO_ERR_WORKFLOW_EXPRESSION',
        '$random() is not allowed: a workflow must plan the same way every time it is replayed',
        { retryable: false },
      );
    },
  };
}

/** JSONata's truthiness ($boolean): empty strings, arrays, objects, 0, null and false are false. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some(truthy);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'boolean') return value;
  return false;
}

// JSONata marks sequences with extra array properties and may return functions; the bus carries JSON.
function toJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/**
 * Task ids an expression reads through a `tasks.<id>` path, so a template can be checked for reads of
 * tasks that are not among the reader's needs. Dynamic reads (`$lookup(tasks, x)`) are not seen.
 */
export function referencedTasks(expr: CompiledExpression): Set<string> {
  const found = new Set<string>();
  const seen = new Set<object>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const n = node as { type?: string; steps?: Array<{ type?: string; value?: unknown }> };
    if (n.type === 'path' && n.steps) {
      const [first, second] = n.steps;
      if (first?.type === 'name' && first.value === 'tasks' && second?.type === 'name') {
        found.add(String(second.value));
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(expr.jsonata.ast());
  return found;
}

// The parts of a JSONata AST node rootNames reads; jsonata's own ExprNode type lacks several of them.
type AstNode = {
  type?: string;
  value?: unknown;
  steps?: AstNode[];
  lhs?: AstNode | [AstNode, AstNode][];
  rhs?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  expression?: AstNode;
  expressions?: AstNode[];
  arguments?: AstNode[];
};

/**
 * Names an expression reads from its root context (`input`, `tasks`, `run`, and a forEach element's
 * `item` and `index`), so a template can be checked for reads of a name its context never has: the
 * first step of each path evaluated on the root, through operators, arguments, conditions, blocks and
 * constructors. Later path steps, predicates, group-by and sort terms, transforms and lambda bodies
 * read other contexts and are not looked into; nor is anything else, so a read may be missed (such
 * as `$.item`) but none is reported that is not there.
 */
export function rootNames(expr: CompiledExpression): Set<string> {
  const found = new Set<string>();
  const visit = (node: AstNode | undefined): void => {
    switch (node?.type) {
      case 'path': {
        const first = node.steps?.[0];
        if (first?.type === 'name') found.add(String(first.value));
        else visit(first);
        return;
      }
      case 'binary':
      case 'apply': // `x ~> $f(y)`: y is read on the root too
        visit(node.lhs as AstNode);
        visit(node.rhs);
        return;
      case 'bind':
        visit(node.rhs);
        return;
      case 'condition':
        for (const n of [node.condition, node.then, node.else]) visit(n);
        return;
      case 'function':
      case 'partial':
        for (const n of node.arguments ?? []) visit(n);
        return;
      case 'block':
        for (const n of node.expressions ?? []) visit(n);
        return;
      case 'unary':
        // `-x`, `[x, y]`, and `{key: value}`, whose keys are expressions too.
        if (node.value === '-') visit(node.expression);
        if (node.value === '[') for (const n of node.expressions ?? []) visit(n);
        if (node.value === '{') for (const n of ((node.lhs ?? []) as [AstNode, AstNode][]).flat()) visit(n);
        return;
    }
  };
  visit(expr.jsonata.ast() as AstNode);
  return found;
}
