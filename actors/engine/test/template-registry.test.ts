import { describe, expect, it } from 'vitest';
import { compileTemplate, createTemplateRegistry, registryChanges, reloadedRegistry } from '../src/index.js';

function t(name: string, version: number, description = '') {
  return compileTemplate(
    { name, version, description, tasks: { a: { type: 'noop' } } },
    `${name}.json`,
    undefined,
  );
}

describe('template registry', () => {
  it('template registry - returns the newest version unless one is asked for', () => {
    const registry = createTemplateRegistry([t('vm', 1), t('vm', 3), t('vm', 2), t('db', 1)]);
    expect(registry.get('vm').template.version).toBe(3);
    expect(registry.get('vm', 2).template.version).toBe(2);
    expect(registry.list().map((x) => `${x.template.name}@${x.template.version}`)).toEqual([
      'db@1',
      'vm@1',
      'vm@2',
      'vm@3',
    ]);
  });

  it('template registry - an unknown name or version throws OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND', () => {
    const registry = createTemplateRegistry([t('vm', 1)]);
    expect(() => registry.get('db')).toThrow(
      expect.objectContaining({ code: 'OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND' }),
    );
    expect(() => registry.get('vm', 9)).toThrow('no template vm@9 is loaded (vm has version 1)');
  });

  it('template registry - a name not loaded is told with the names that are, at most 20 of them', () => {
    expect(() => createTemplateRegistry([t('vm', 1), t('dns', 2)]).get('db')).toThrow(
      'no template db is loaded (loaded: dns, vm)',
    );
    expect(() => createTemplateRegistry().get('db')).toThrow('no template db is loaded (none is)');
    const many = createTemplateRegistry(
      Array.from({ length: 25 }, (_, i) => t(`t${String(i).padStart(2, '0')}`, 1)),
    );
    expect(() => many.get('db')).toThrow(/\(loaded: t00, t01, .*, t19, and 5 more\)$/);
  });

  it('template registry - a name@version cannot change content, but may be added again unchanged', () => {
    const registry = createTemplateRegistry([t('vm', 1)]);
    registry.add(t('vm', 1));
    expect(() => registry.add(t('vm', 1, 'changed'))).toThrow(
      expect.objectContaining({ code: 'OO_ERR_WORKFLOW_TEMPLATE_DUPLICATE' }),
    );
  });

  it('template registry - finds a template by its content key', () => {
    const v1 = t('vm', 1);
    const registry = createTemplateRegistry([v1]);
    expect(registry.byKey(v1.key)).toBe(v1);
    expect(registry.byKey('vm@1#000000000000')).toBeUndefined();
  });
});

describe('registry changes', () => {
  it('lists name@version added, removed, and loaded again with other content', () => {
    const before = createTemplateRegistry([t('vm', 1), t('vm', 2), t('db', 1)]);
    const after = createTemplateRegistry([t('vm', 1), t('vm', 2, 'edited'), t('dns', 1)]);
    expect(registryChanges(before, after)).toEqual({
      added: ['dns@1'],
      changed: ['vm@2'],
      removed: ['db@1'],
    });
    expect(registryChanges(after, after)).toEqual({ added: [], changed: [], removed: [] });
  });
});

describe('a reloaded registry', () => {
  const from = (name: string, version: number, file: string, description = '') => ({
    ...t(name, version, description),
    source: file,
  });
  const refusal = (file: string) => ({
    file,
    code: 'OO_ERR_WORKFLOW_TEMPLATE_INVALID' as const,
    reason: 'not JSON',
  });

  it('holds what the folder holds now, and what a refused file held before', () => {
    const before = createTemplateRegistry([
      from('vm', 1, 'd/vm.json'),
      from('db', 1, 'd/db.json'),
      from('old', 1, 'd/old.json'),
    ]);
    const next = reloadedRegistry(
      before,
      {
        templates: [from('vm', 1, 'd/vm.json', 'edited'), from('dns', 1, 'd/dns.json')],
        problems: [refusal('d/db.json')],
      },
      'd',
    );
    expect(next?.registry.list().map((x) => `${x.template.name}@${x.template.version}`)).toEqual([
      'db@1',
      'dns@1',
      'vm@1',
    ]);
    expect(next?.registry.get('vm').template.description).toBe('edited');
    expect(next?.kept.map((x) => x.source)).toEqual(['d/db.json']);
  });

  it('keeps nothing of a refused file whose name@version another file now defines, and nothing at all of an unreadable folder', () => {
    const before = createTemplateRegistry([from('vm', 1, 'd/a.json')]);
    const next = reloadedRegistry(
      before,
      { templates: [from('vm', 1, 'd/b.json', 'other')], problems: [refusal('d/a.json')] },
      'd',
    );
    expect(next?.registry.get('vm').source).toBe('d/b.json');
    expect(next?.kept).toEqual([]);
    expect(reloadedRegistry(before, { templates: [], problems: [refusal('d')] }, 'd')).toBeUndefined();
  });
});
