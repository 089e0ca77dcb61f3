/**
 * The workflow templates the engine benchmarks run, and a temporary templates folder for an engine
 * to load them from.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TemplateInput } from '@oo/contracts';

const repoTemplates = new URL('../../../../templates/', import.meta.url);

/** `templates/diamond.json` as the repository ships it: a -> (b, c) -> d -> e, no-op tasks. */
export function diamondTemplate(): TemplateInput {
  return JSON.parse(readFileSync(new URL('diamond.json', repoTemplates), 'utf8')) as TemplateInput;
}

/** Each task's needs, by task id. */
export function needsOf(template: TemplateInput): ReadonlyMap<string, readonly string[]> {
  return new Map(Object.entries(template.tasks).map(([id, spec]) => [id, spec.needs ?? []]));
}

/** `length` no-op tasks in a line: t1 -> t2 -> ... */
export function chainTemplate(name: string, length: number): TemplateInput {
  const tasks: TemplateInput['tasks'] = {};
  for (let i = 1; i <= length; i++) tasks[`t${i}`] = { type: 'noop', needs: i === 1 ? [] : [`t${i - 1}`] };
  return { name, version: 1, tasks };
}

/** `layers` layers of `width` no-op tasks; every task needs every task of the layer before. */
export function layeredTemplate(name: string, layers: number, width: number): TemplateInput {
  const tasks: TemplateInput['tasks'] = {};
  const id = (layer: number, i: number) => `l${layer}_${i}`;
  for (let layer = 0; layer < layers; layer++) {
    const needs = layer === 0 ? [] : Array.from({ length: width }, (_, i) => id(layer - 1, i));
    for (let i = 0; i < width; i++) tasks[id(layer, i)] = { type: 'noop', needs };
  }
  return { name, version: 1, tasks };
}

/** A temporary folder holding the templates as `<name>.json`; `remove` deletes it. */
/**
 * One no-op forEach over `elements` items (small records), `concurrency` in flight, each element
 * returning its item; the run's output counts the collected outputs.
 */
export function forEachTemplate(name: string, elements: number, concurrency: number): TemplateInput {
  return {
    name,
    version: 1,
    tasks: {
      each: {
        type: 'noop',
        input: { index: '=index', item: '=item' },
        forEach: { items: `=[1..${elements}].({"n": $})`, concurrency },
      },
    },
    output: { count: '=$count(tasks.each.output)' },
  };
}

export function templatesFolder(templates: readonly TemplateInput[]): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'oo-bench-templates-'));
  for (const t of templates) writeFileSync(join(dir, `${t.name}.json`), JSON.stringify(t));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
