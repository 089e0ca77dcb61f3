import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompiledExpression,
  compileExpression,
  evaluateExpression,
  truthy,
} from '../src/expressions.js';
import { at, commandsOf, drive, template } from './run-driver.js';

function expr(source: string): CompiledExpression {
  const compiled = compileExpression(source, 'test');
  if ('reason' in compiled) throw new Error(compiled.reason);
  return compiled;
}

const scope = { input: { n: 2 }, tasks: {}, run: { id: 'r' }, time: '2024-05-06T07:08:09.000Z' };

describe('expressions', () => {
  it('expressions - $now() and $millis() return the evaluation time, formatted as JSONata documents', async () => {
    expect(await evaluateExpression(expr('=$now()'), scope)).toBe('2024-05-06T07:08:09.000Z');
    expect(await evaluateExpression(expr('=$now("[Y0001]-[M01]-[D01]")'), scope)).toBe('2024-05-06');
    expect(await evaluateExpression(expr('=$millis()'), scope)).toBe(Date.parse(scope.time));
  });

  it('expressions - $random() throws OO_ERR_WORKFLOW_EXPRESSION', async () => {
    await expect(evaluateExpression(expr('=$random()'), scope)).rejects.toMatchObject({
      code: 'OO_ERR_WORKFLOW_EXPRESSION',
    });
  });

  it('expressions - runaway recursion fails instead of hanging the engine', async () => {
    const tail = expr('=($f := function($x) { $f($x + 1) }; $f(0))');
    await expect(evaluateExpression(tail, scope)).rejects.toMatchObject({
      code: 'OO_ERR_WORKFLOW_EXPRESSION',
      message: expect.stringMatching(/evaluation steps/),
    });
    const deep = expr('=($f := function($x) { 1 + $f($x + 1) }; $f(0))');
    await expect(evaluateExpression(deep, scope)).rejects.toMatchObject({
      code: 'OO_ERR_WORKFLOW_EXPRESSION',
    });
  });

  it('expressions - results are plain JSON', async () => {
    const value = await evaluateExpression(expr('=[1, 2][$ > 0]'), scope);
    expect(JSON.stringify(value)).toBe('[1,2]');
    expect(Object.keys(value as object)).toEqual(['0', '1']);
  });

  it('expressions - truthiness follows $boolean', () => {
    expect([0, '', null, undefined, false, [], {}, [0, false]].map(truthy)).toEqual(Array(8).fill(false));
    expect([1, 'x', true, [0, 1], { a: 1 }].map(truthy)).toEqual(Array(5).fill(true));
  });
});

describe('expressions - what a task sees', () => {
  it('expressions - tasks shows finished tasks only, without forEach elements', async () => {
    const run = drive(
      template({
        tasks: {
          a: { type: 'noop' },
          slow: { type: 'noop' },
          each: { type: 'noop', forEach: { items: '=[1]', concurrency: 1 } },
          b: { type: 'noop', needs: ['a'], input: { seen: '=$keys(tasks)', statuses: '=tasks.*.status' } },
        },
      }),
    );
    await run.start();
    const commands = await run.succeed('a', 'A');
    expect(commandsOf(commands, 'schedule')[0]?.input).toEqual({ seen: 'a', statuses: 'succeeded' });
  });

  it('expressions - $now() inside a task input is the time the task became ready', async () => {
    const run = drive(
      template({
        tasks: { a: { type: 'noop' }, b: { type: 'noop', needs: ['a'], input: { t: '=$now()' } } },
      }),
    );
    await run.start();
    const commands = await run.succeed('a');
    expect(commandsOf(commands, 'schedule')[0]?.input).toEqual({ t: at(1) });
  });

  it('expressions - run metadata is visible as `run`', async () => {
    const run = drive(template({ tasks: { a: { type: 'noop', input: { r: '=run' } } } }), 'run_X');
    const commands = await run.start({}, { requestId: 'req_1' });
    expect(commandsOf(commands, 'schedule')[0]?.input).toEqual({
      r: {
        id: 'run_X',
        template: 't',
        version: 1,
        traceId: '0af7651916cd43dd8448eb211c80319c',
        requestId: 'req_1',
      },
    });
  });
});

describe('expressions - plain paths', () => {
  const key = fc.constantFrom('a', 'b', 'output', 'x');
  const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(null, true, false, 0, 1.5, '', 'text'),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(key, tie('value'), { maxKeys: 3 }),
    ),
  })).value;

  it('are read without JSONata only where JSONata would give the same value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(key, { minLength: 1, maxLength: 4 }),
        fc.dictionary(key, json, { maxKeys: 4 }),
        json,
        async (names, tasks, input) => {
          const source = `=${['tasks', ...names].join('.')}`;
          const direct = expr(source);
          expect(direct.path).toEqual(['tasks', ...names]);
          const viaJsonata = { ...direct, path: undefined };
          const scope = { input, tasks, run: {}, time: '2024-05-06T07:08:09.000Z' };
          expect(await evaluateExpression(direct, scope)).toEqual(
            await evaluateExpression(viaJsonata, scope),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('are only names: filters, indexes, functions and prototype names go to JSONata', () => {
    expect(expr('=input.label').path).toEqual(['input', 'label']);
    expect(expr('=tasks.`a-b`.output').path).toEqual(['tasks', 'a-b', 'output']);
    for (const source of [
      '=tasks.a.output[0]',
      '=tasks.a.output.items[]',
      '=$.input',
      '=input.n + 1',
      '=$count(tasks.a.output)',
      '=input.constructor',
      '=input.__proto__',
    ]) {
      expect(expr(source).path, source).toBeUndefined();
    }
  });
});
