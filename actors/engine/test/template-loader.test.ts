import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OoError } from '@oo/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { compileTemplate, formatProblem, loadTemplatesDir, type Problem } from '../src/index.js';

const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates', import.meta.url));
const CATALOG = new Set(['noop', 'http.request']);

function problemsOf(
  json: Record<string, unknown>,
  types: ReadonlySet<string> | undefined = CATALOG,
): Problem[] {
  try {
    compileTemplate({ name: 'bad', version: 1, ...json }, 'templates/bad.json', types);
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(OoError);
    const error = thrown as OoError;
    expect(error.code).toBe('OO_ERR_WORKFLOW_TEMPLATE_INVALID');
    expect(error.message).toContain('templates/bad.json');
    return error.details?.problems as Problem[];
  }
  throw new Error('the template loaded');
}

describe('template loader - rejects', () => {
  it('template loader - rejects a schema error, naming the task and the field', () => {
    const [p, ...rest] = problemsOf({ tasks: { a: { type: 'noop', nedds: ['b'] } } });
    expect(rest).toEqual([]);
    expect(p).toMatchObject({
      file: 'templates/bad.json',
      task: 'a',
      code: 'OO_ERR_WORKFLOW_TEMPLATE_INVALID',
    });
    expect(p?.reason).toMatch(/nedds/);
  });

  it('template loader - rejects an unknown task type', () => {
    expect(problemsOf({ tasks: { a: { type: 'awx.lanch' } } })).toEqual([
      {
        file: 'templates/bad.json',
        task: 'a',
        path: 'type',
        code: 'OO_ERR_WORKFLOW_TASK_TYPE_UNKNOWN',
        reason: 'unknown task type "awx.lanch"',
      },
    ]);
  });

  it('template loader - accepts any task type when no catalog is given, and workflow.run always', () => {
    const json = { name: 'ok', version: 1, tasks: { a: { type: 'awx.lanch' } } };
    expect(compileTemplate(json, 'ok.json', undefined).template.name).toBe('ok');
    const child = {
      name: 'ok',
      version: 1,
      tasks: { a: { type: 'workflow.run', input: { template: 'x' } } },
    };
    expect(compileTemplate(child, 'ok.json', new Set()).tasks.get('a')?.child).toBe(true);
  });

  it('template loader - rejects unknown needs', () => {
    expect(problemsOf({ tasks: { a: { type: 'noop', needs: ['ghost'] } } })).toEqual([
      {
        file: 'templates/bad.json',
        task: 'a',
        path: 'needs[0]',
        code: 'OO_ERR_WORKFLOW_NEEDS_UNKNOWN',
        reason: 'needs unknown task "ghost"',
      },
    ]);
  });

  it('template loader - rejects a cycle and names it', () => {
    const problems = problemsOf({
      tasks: {
        a: { type: 'noop', needs: ['c'] },
        b: { type: 'noop', needs: ['a'] },
        c: { type: 'noop', needs: ['b'] },
        d: { type: 'noop', needs: ['d'] },
      },
    });
    expect(problems.map((p) => [p.code, p.reason])).toEqual([
      ['OO_ERR_WORKFLOW_CYCLE', 'needs form a cycle: a -> c -> b -> a'],
      ['OO_ERR_WORKFLOW_CYCLE', 'needs form a cycle: d -> d'],
    ]);
  });

  it('template loader - rejects an expression that does not compile, naming the task and field', () => {
    const problems = problemsOf({
      tasks: { a: { type: 'noop', input: { vm: { name: '=$uppercase(input.name' } }, when: '=)' } },
      output: { x: '=[' },
    });
    expect(problems.map((p) => [p.code, p.task, p.path])).toEqual([
      ['OO_ERR_WORKFLOW_EXPRESSION_SYNTAX', 'a', 'input.vm.name'],
      ['OO_ERR_WORKFLOW_EXPRESSION_SYNTAX', 'a', 'when'],
      ['OO_ERR_WORKFLOW_EXPRESSION_SYNTAX', undefined, 'output.x'],
    ]);
    expect(problems[0]?.reason).toMatch(/^expression does not compile: /);
  });

  it('template loader - rejects an expression reading a task that is not among its needs', () => {
    const problems = problemsOf({
      tasks: {
        a: { type: 'noop' },
        b: { type: 'noop', input: { x: '=tasks.a.output' } },
        c: { type: 'noop', needs: ['b'], input: { y: '=tasks.nobody.output' } },
      },
    });
    expect(problems.map((p) => [p.code, p.task, p.path, p.reason])).toEqual([
      [
        'OO_ERR_WORKFLOW_NEEDS_MISSING',
        'b',
        'input.x',
        'reads tasks.a, which is not among its needs (add "a" to needs)',
      ],
      [
        'OO_ERR_WORKFLOW_NEEDS_UNKNOWN',
        'c',
        'input.y',
        'reads tasks.nobody, which is not a task of this template',
      ],
    ]);
  });

  it('template loader - accepts reads of tasks needed through other tasks', () => {
    const json = {
      name: 'ok',
      version: 1,
      tasks: {
        a: { type: 'noop' },
        b: { type: 'noop', needs: ['a'] },
        c: { type: 'noop', needs: ['b'], input: { x: '=tasks.a.output' } },
      },
    };
    expect(compileTemplate(json, 'ok.json', CATALOG).order).toEqual(['a', 'b', 'c']);
  });

  it('template loader - rejects an input that is not a valid JSON Schema', () => {
    const [typo] = problemsOf({ input: { type: 'object', requird: ['x'] }, tasks: { a: { type: 'noop' } } });
    expect(typo).toMatchObject({ code: 'OO_ERR_WORKFLOW_INPUT_SCHEMA_INVALID', path: 'input' });
    expect(typo?.reason).toMatch(/requird/);
    const [badType] = problemsOf({ input: { type: 'objekt' }, tasks: { a: { type: 'noop' } } });
    expect(badType?.code).toBe('OO_ERR_WORKFLOW_INPUT_SCHEMA_INVALID');
  });

  it('template loader - rejects a workflow.run task without input.template', () => {
    const [p] = problemsOf({ tasks: { a: { type: 'workflow.run', input: { input: {} } } } });
    expect(p).toMatchObject({ task: 'a', path: 'input', reason: 'a workflow.run task needs input.template' });
  });

  it('template loader - lists every problem of a template at once', () => {
    const problems = problemsOf({
      tasks: {
        a: { type: 'nope', needs: ['ghost'] },
        b: { type: 'noop', needs: ['c'], input: { x: '=(' } },
        c: { type: 'noop', needs: ['b'] },
        d: { type: 'noop', timeoutMs: -1 },
      },
    });
    expect(problems.map((p) => `${p.task}:${p.code}`).sort()).toEqual([
      'a:OO_ERR_WORKFLOW_NEEDS_UNKNOWN',
      'a:OO_ERR_WORKFLOW_TASK_TYPE_UNKNOWN',
      'b:OO_ERR_WORKFLOW_CYCLE',
      'b:OO_ERR_WORKFLOW_EXPRESSION_SYNTAX',
      'd:OO_ERR_WORKFLOW_TEMPLATE_INVALID',
    ]);
  });
});

describe('template loader - loads', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('template loader - every template shipped in templates/ loads cleanly', () => {
    // Task types are the runners' (checked with the full catalog by `oo templates validate`).
    const { templates, problems } = loadTemplatesDir(TEMPLATES_DIR, undefined);
    expect(problems).toEqual([]);
    expect(templates.map((t) => t.template.name)).toEqual(
      expect.arrayContaining(['diamond', 'for-each-hosts', 'nested-diamond', 'vm-unmanaged', 'awx-job']),
    );
  });

  it('template loader - every template shipped points its $schema at the exported schema, for editors', () => {
    const files = readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const { $schema } = JSON.parse(readFileSync(join(TEMPLATES_DIR, file), 'utf8')) as { $schema?: string };
      expect({ file, $schema }).toEqual({ file, $schema: '../contracts/schemas/template.schema.json' });
      expect(existsSync(join(TEMPLATES_DIR, $schema!))).toBe(true);
    }
  });

  it('template loader - keys a template by name, version and a hash of its canonical JSON', () => {
    const a = compileTemplate({ name: 'k', version: 2, tasks: { a: { type: 'noop' } } }, 'a.json', undefined);
    const b = compileTemplate({ tasks: { a: { type: 'noop' } }, version: 2, name: 'k' }, 'b.json', undefined);
    const c = compileTemplate({ name: 'k', version: 2, tasks: { b: { type: 'noop' } } }, 'c.json', undefined);
    expect(a.key).toMatch(/^k@2#[0-9a-f]{12}$/);
    expect(b.key).toBe(a.key);
    expect(c.key).not.toBe(a.key);
  });

  it('template loader - a template compiled again from its parsed form keeps its key', () => {
    const { templates } = loadTemplatesDir(TEMPLATES_DIR, new Set(['noop']));
    for (const t of templates) {
      const again = compileTemplate(JSON.parse(JSON.stringify(t.template)), 'snapshot', undefined);
      expect(again.key).toBe(t.key);
    }
  });

  it('template loader - a directory with bad files collects their problems and loads the rest', () => {
    dir = mkdtempSync(join(tmpdir(), 'oo-templates-'));
    const good = { name: 'good', version: 1, tasks: { a: { type: 'noop' } } };
    writeFileSync(join(dir, 'a-good.json'), JSON.stringify(good));
    writeFileSync(join(dir, 'b-copy.json'), JSON.stringify({ ...good, description: 'changed' }));
    writeFileSync(join(dir, 'c-broken.json'), '{ "name": ');
    writeFileSync(
      join(dir, 'd-invalid.json'),
      JSON.stringify({ name: 'bad', version: 1, tasks: { a: { type: 'x' } } }),
    );
    writeFileSync(join(dir, 'notes.txt'), 'not a template');
    const { templates, problems } = loadTemplatesDir(dir, new Set(['noop']));
    expect(templates.map((t) => t.template.name)).toEqual(['good']);
    expect(problems.map((p) => [p.file.slice(dir!.length + 1), p.code])).toEqual([
      ['b-copy.json', 'OO_ERR_WORKFLOW_TEMPLATE_DUPLICATE'],
      ['c-broken.json', 'OO_ERR_WORKFLOW_TEMPLATE_INVALID'],
      ['d-invalid.json', 'OO_ERR_WORKFLOW_TASK_TYPE_UNKNOWN'],
    ]);
    expect(problems[0]?.reason).toContain('a-good.json');
  });

  it('template loader - refuses a file giving a workflow.run task retry or timeoutMs, which no runner applies; a snapshot still compiles', () => {
    dir = mkdtempSync(join(tmpdir(), 'oo-templates-'));
    const json = {
      name: 'parent',
      version: 1,
      tasks: {
        a: { type: 'workflow.run', input: { template: 'x' }, retry: { maxAttempts: 3 }, timeoutMs: 60_000 },
      },
    };
    writeFileSync(join(dir, 'parent.json'), JSON.stringify(json));
    const { templates, problems } = loadTemplatesDir(dir);
    expect(templates).toEqual([]);
    expect(problems.map((p) => [p.task, p.path, p.code])).toEqual([
      ['a', 'retry', 'OO_ERR_WORKFLOW_TEMPLATE_INVALID'],
      ['a', 'timeoutMs', 'OO_ERR_WORKFLOW_TEMPLATE_INVALID'],
    ]);
    expect(problems[1]?.reason).toMatch(/waits for its child run/);
    // Runs that started with it before this check keep going on their snapshot.
    expect(compileTemplate(json, 'snapshot parent@1', undefined).tasks.get('a')?.child).toBe(true);
  });

  it('template loader - refuses a workflow.run task naming a child template (or version) no file defines, and what starts that', () => {
    dir = mkdtempSync(join(tmpdir(), 'oo-templates-'));
    const starting = (name: string, input: Record<string, unknown>) => ({
      name,
      version: 1,
      tasks: { run: { type: 'workflow.run', input } },
    });
    const files: Record<string, unknown> = {
      'child.json': { name: 'child', version: 1, tasks: { a: { type: 'noop' } } },
      'ok.json': starting('ok', { template: 'child', version: 1 }),
      'dynamic.json': starting('dynamic', { template: '=input.template' }),
      'ghost.json': starting('ghost', { template: 'no-such-template' }),
      'newer.json': starting('newer', { template: 'child', version: 2 }),
      'above-ghost.json': starting('above-ghost', { template: 'ghost' }),
    };
    for (const [file, json] of Object.entries(files)) writeFileSync(join(dir, file), JSON.stringify(json));
    const { templates, problems } = loadTemplatesDir(dir, new Set(['noop']));
    expect(templates.map((t) => t.template.name).sort()).toEqual(['child', 'dynamic', 'ok']);
    const named = (file: string) => problems.find((p) => p.file.endsWith(file));
    expect(named('ghost.json')).toMatchObject({
      task: 'run',
      path: 'input.template',
      code: 'OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND',
      reason: expect.stringContaining('"no-such-template"'),
    });
    expect(named('newer.json')).toMatchObject({
      path: 'input.version',
      reason: 'starts child@2; the loaded files define versions 1',
    });
    // Left out in the second pass: the template it starts was left out in the first.
    expect(named('above-ghost.json')?.reason).toContain('"ghost"');
    expect(problems).toHaveLength(3);
  });

  /** Loads `json` as the only file of a fresh directory. */
  function loadFile(json: Record<string, unknown>) {
    dir = mkdtempSync(join(tmpdir(), 'oo-templates-'));
    writeFileSync(join(dir, 't.json'), JSON.stringify({ name: 't', version: 1, ...json }));
    return loadTemplatesDir(dir, new Set(['noop']));
  }

  it('template loader - refuses a file reading item or index in a task without forEach, naming the task and field; a snapshot still compiles', () => {
    const tasks = {
      a: {
        type: 'noop',
        when: '=index > 0',
        input: {
          name: '=item.name',
          whole: '=item',
          next: '=index + 1',
          object: '={"a": item}',
          text: '=$string(index)',
          choice: '=item ? 1 : 2',
          list: '=[item]',
        },
      },
    };
    const { templates, problems } = loadFile({ tasks });
    expect(templates).toEqual([]);
    expect(problems.map((p) => [p.task, p.path, p.code])).toEqual([
      ['a', 'input.name', 'OO_ERR_WORKFLOW_TEMPLATE_INVALID'],
      ['a', 'input.whole', 'OO_ERR_WORKFLOW_TEMPLATE_INVALID'],
      ['a', 'input.next', 'OO_ERR_WORKFLOW_TEMPLATE_INVALID'],
      ['a', 'input.object', 'OO_ERR_WORKFLOW_TEMPLATE_INVALID'],
      ['a', 'input.text', 'OO_ERR_WORKFLOW_TEMPLATE_INVALID'],
      ['a', 'input.choice', 'OO_ERR_WORKFLOW_TEMPLATE_INVALID'],
      ['a', 'input.list', 'OO_ERR_WORKFLOW_TEMPLATE_INVALID'],
      ['a', 'when', 'OO_ERR_WORKFLOW_TEMPLATE_INVALID'],
    ]);
    expect(formatProblem(problems[0]!)).toBe(
      `${join(dir!, 't.json')}: task "a" (input.name): reads item, which only a forEach task's input has (here it is always undefined)`,
    );
    expect(problems[2]?.reason).toMatch(/^reads index, /);
    // Runs that started with it before this check keep going on their snapshot.
    expect(compileTemplate({ name: 't', version: 1, tasks }, 'snapshot t@1', undefined).tasks.size).toBe(1);
  });

  it('template loader - refuses a file reading item or index in the run output, or in the when or forEach.items of a forEach task, which are evaluated before any item', () => {
    const { templates, problems } = loadFile({
      tasks: {
        each: {
          type: 'noop',
          when: '=item',
          forEach: { items: '=[index]', concurrency: 1 },
          input: { host: '=item', position: '=index' },
        },
      },
      output: { last: '=$string(index)' },
    });
    expect(templates).toEqual([]);
    expect(problems.map((p) => [p.task, p.path, p.reason.split(',')[0]])).toEqual([
      ['each', 'when', 'reads item'],
      ['each', 'forEach.items', 'reads index'],
      [undefined, 'output.last', 'reads index'],
    ]);
  });

  it("template loader - accepts item and index in a forEach task's input, and item as a field name or a variable elsewhere", () => {
    const { templates, problems } = loadFile({
      input: { type: 'object' },
      tasks: {
        each: {
          type: 'noop',
          forEach: { items: '=input.vms', concurrency: 2 },
          input: { name: '=item.name', next: '=index + 1', both: '={"a": item, "i": $string(index)}' },
        },
        other: {
          type: 'noop',
          needs: ['each'],
          when: "=$exists(input.vms[item = 'x'])",
          input: {
            predicate: "=input.vms[item = 'x']",
            step: '=input.vms.item',
            block: '=input.vms.(item)',
            groupKeys: '=tasks.each.output{item: 1}',
            sortTerms: '=input.list^(item)',
            lambda: '=$map(input.xs, function($v){ $v.item })',
            lambdaBody: '=$map(input.xs, function($v){ item })',
            variable: '=($item := 1; $item + $index)',
          },
        },
      },
      output: { vms: '=input.vms[index > 0].name' },
    });
    expect(problems).toEqual([]);
    expect(templates.map((t) => t.template.name)).toEqual(['t']);
  });

  it('template loader - a missing directory is a problem, not a throw', () => {
    const { templates, problems } = loadTemplatesDir(join(tmpdir(), 'oo-no-such-dir'));
    expect(templates).toEqual([]);
    expect(problems[0]?.reason).toMatch(/cannot read the templates directory/);
  });
});
