/** The runner's face: its task catalog, the awx-job template against it, and its configuration. */
import { readFileSync } from 'node:fs';
import { compileTemplate } from '@oo/engine';
import { describe, expect, it } from 'vitest';
import { awxAccess } from '../src/awx-access.js';
import { ANSIBLE_TASK_TYPES, ansibleConfigFromEnv, ansibleTasksFor } from '../src/index.js';

const AWX_JOB = new URL('../../../templates/awx-job.json', import.meta.url);

describe('ansible runner', () => {
  it('ansible runner - hosts exactly the task types it lists for the catalog', () => {
    expect(ansibleTasksFor().map((t) => t.type)).toEqual([...ANSIBLE_TASK_TYPES]);
  });

  it('ansible runner - the awx-job template passes the engine’s load checks with these task types', () => {
    const json: unknown = JSON.parse(readFileSync(AWX_JOB, 'utf8'));
    const loaded = compileTemplate(json, 'templates/awx-job.json', new Set(ANSIBLE_TASK_TYPES));
    expect(loaded.template).toMatchObject({ name: 'awx-job', version: 1 });
    expect([...loaded.tasks.keys()]).toEqual(['find', 'launch', 'wait', 'logs']);
  });

  it('ansible runner - reads the AWX settings from AWX_URL, AWX_TOKEN and AWX_API_PATH', () => {
    const env = { AWX_URL: 'https://awx.example.com', AWX_TOKEN: 't0k', AWX_API_PATH: '/api/controller/v2/' };
    expect(ansibleConfigFromEnv(env)).toEqual({
      awx: { url: 'https://awx.example.com', token: 't0k', apiPath: '/api/controller/v2/' },
    });
  });

  it('ansible runner - fails AWX tasks terminally, naming the missing setting, when AWX is not configured', () => {
    const access = awxAccess({ url: 'https://awx.example.com', pollMs: 1_000 });
    expect(() => access.client()).toThrowError(
      expect.objectContaining({
        code: 'OO_ERR_AWX_NOT_CONFIGURED',
        retryable: false,
        message: 'AWX is not configured for this runner: AWX_TOKEN is not set',
      }),
    );
  });
});
