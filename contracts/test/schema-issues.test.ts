import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issuesText, schemaIssues, schemaReasons } from '../src/index.js';

const Vm = z.strictObject({ name: z.string(), disks: z.array(z.strictObject({ gb: z.number().int() })) });

describe('contracts - schema issues', () => {
  it('names each field by its dotted path and its rule', () => {
    const parsed = Vm.safeParse({ name: 7, disks: [{ gb: 1 }, { gb: 1.5 }] });
    expect(parsed.success).toBe(false);
    const issues = schemaIssues(parsed.error!);
    expect(issues.map((i) => i.path)).toEqual(['name', 'disks.1.gb']);
    expect(issuesText(issues)).toMatch(/^name: .*expected string.*; disks\.1\.gb: .*expected int/i);
  });

  it('puts a prefix in front of every path, the value itself included', () => {
    const parsed = z.number().safeParse('x');
    const issues = schemaIssues(parsed.error!, ['gateway', 'port']);
    expect(issues).toEqual([{ path: 'gateway.port', message: expect.stringMatching(/expected number/i) }]);
  });

  it('names the value itself (an empty path) as the caller says', () => {
    const parsed = Vm.safeParse('not an object');
    const issues = schemaIssues(parsed.error!);
    expect(issues[0]!.path).toBe('');
    expect(issuesText(issues)).toMatch(/^\(root\): /);
    expect(issuesText(issues, '(input)')).toMatch(/^\(input\): /);
  });

  it('names the value itself (root) in reason lists, and keeps other paths with their prefix', () => {
    expect(schemaReasons(Vm.safeParse([]).error!)).toEqual([{ path: '(root)', message: expect.any(String) }]);
    const parsed = Vm.safeParse({ name: 'a', disks: [{ gb: 'x' }] });
    expect(schemaReasons(parsed.error!, ['resources', 0])).toEqual([
      { path: 'resources.0.disks.0.gb', message: expect.any(String) },
    ]);
  });
});
