import { readFileSync } from 'node:fs';
import { OoError } from '@oo/contracts';
import { CHILD_RUN_TASK_TYPE, compileTemplate } from '@oo/engine';
import { describe, expect, it } from 'vitest';
import { TERRAFORM_TASK_TYPES } from '../src/index.js';

const TEMPLATES = new URL('../../../templates/', import.meta.url);
const known = new Set<string>([CHILD_RUN_TASK_TYPE, ...TERRAFORM_TASK_TYPES]);
const load = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, TEMPLATES), 'utf8'));

describe('terraform templates - the engine load-time checks', () => {
  it.each(['tfe-run', 'vm-managed-destroy'])('%s passes with the terraform task types', (name) => {
    const loaded = compileTemplate(load(name), `templates/${name}.json`, known);

    expect(loaded.template.name).toBe(name);
    expect([...loaded.tasks.values()].every((t) => known.has(t.spec.type))).toBe(true);
  });

  it('tfe-run refuses an input without the fields terraform.prepare provides', () => {
    const loaded = compileTemplate(load('tfe-run'), 'templates/tfe-run.json', known);
    const result = loaded.validateInput({
      workspace: 'oo-web01',
      module: 'vsphere-vm',
      vars: [{ key: 'x' }],
    });

    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['message', 'vars.0.category']));
  });

  it('is refused by a catalog without the terraform task types', () => {
    expect(() =>
      compileTemplate(load('tfe-run'), 'templates/tfe-run.json', new Set([CHILD_RUN_TASK_TYPE])),
    ).toThrow(OoError);
  });
});
