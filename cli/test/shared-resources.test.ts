import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOoConfig } from '../src/oo-config.js';
import { sharedResources } from '../src/shared-resources.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function template(name: string, type: string): string {
  return JSON.stringify({ name, version: 1, tasks: { a: { type } } });
}

describe('shared resources - the templates the gateway lists and the requests actor routes to', () => {
  it('leaves out a template the engine refuses for a task type no runner hosts', async () => {
    const data = mkdtempSync(join(tmpdir(), 'oo-shared-'));
    const templates = mkdtempSync(join(tmpdir(), 'oo-shared-templates-'));
    dirs.push(data, templates);
    writeFileSync(join(templates, 'runs.json'), template('runs', 'noop'));
    writeFileSync(join(templates, 'unhosted.json'), template('unhosted', 'no.such.type'));
    const config = loadOoConfig(data);
    const shared = sharedResources(
      { ...config, engine: { ...config.engine, templatesDir: templates } },
      pino({ level: 'silent' }),
    );
    try {
      expect((await shared.templates()).map((t) => t.name)).toEqual(['runs']);
    } finally {
      await shared.close();
    }
  });
});
