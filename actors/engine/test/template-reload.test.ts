/**
 * The engine takes template files added, edited or removed while it runs, without a restart; a run
 * under way keeps the template it started with.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent, TemplateInput } from '@oo/contracts';
import { defineTask } from '@oo/runtime';
import { waitFor } from '@oo/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type EngineTestbed, startEngineTestbed } from './fixtures/engine-testbed.js';

let bed: EngineTestbed;
afterEach(async () => {
  await bed?.stop();
});

/**
 * `gate` waits for the test to open it, then `after` reports which content of the file ran. The
 * edited content starts with a task of its own, `first`, so a new run shows it before the gate.
 */
const edited = (content: 'before' | 'after'): TemplateInput => ({
  name: 'edited',
  version: 1,
  tasks: {
    ...(content === 'after' ? { first: { type: 'noop' } } : {}),
    gate: { type: 'test.gate', ...(content === 'after' ? { needs: ['first'] } : {}) },
    after: { type: 'noop', needs: ['gate'], input: { content } },
  },
  output: { content: '=tasks.after.output.content' },
});

const single = (n: number): TemplateInput => ({
  name: 'single',
  version: 1,
  tasks: { a: { type: 'noop', input: { n } } },
  output: { n: '=tasks.a.output.n' },
});

function gateTask() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const task = defineTask({
    type: 'test.gate',
    input: z.object({}),
    output: z.object({}),
    async run() {
      await opened;
      return {};
    },
  });
  return { task, open };
}

async function startBed(templates: TemplateInput[]) {
  bed = await startEngineTestbed(templates);
  const gate = gateTask();
  const engine = await bed.startEngine({ templatesCheckMs: 1_000 });
  await bed.startRunner([gate.task]);
  const write = (t: TemplateInput | string, file = `${typeof t === 'string' ? 'x' : t.name}.json`) =>
    writeFileSync(join(bed.templatesDir, file), typeof t === 'string' ? t : JSON.stringify(t));
  /** Starts a run of `name` and resolves with how it ended. */
  const runOf = async (name: string, input: unknown = {}): Promise<RunEvent> =>
    bed.finished(await bed.start(name, input));
  return { engine, gate, write, runOf };
}

describe('templates reloaded while the engine runs', () => {
  it('starts a template whose file was added after the engine started', async () => {
    const { write, runOf } = await startBed([single(1)]);
    expect(await runOf('fresh')).toMatchObject({
      status: 'failed',
      error: { code: 'OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND' },
    });
    write({ ...single(7), name: 'fresh' });
    await waitFor(async () => (await runOf('fresh')).status === 'succeeded', {
      what: 'a run of the added template to succeed',
    });
    expect(await runOf('fresh')).toMatchObject({ status: 'succeeded', output: { n: 7 } });
  });

  it('starts a template whose file was saved just before the start, before any event of the file system', async () => {
    const { write, runOf } = await startBed([single(1)]);
    write({ ...single(3), name: 'just-saved' });
    expect(await runOf('just-saved')).toMatchObject({ status: 'succeeded', output: { n: 3 } });
  });

  it('keeps a run under way on the content it started with while new runs take the edited file', async () => {
    const { gate, write } = await startBed([edited('before')]);
    const underWay = await bed.start('edited');
    await bed.taskEvent((e) => e.runId === underWay && e.taskKey === 'gate' && e.status === 'scheduled');
    // Same name and version, other content: a new run shows the edit once the engine has read it.
    write(edited('after'));
    const newer = await waitFor(
      async () => {
        const runId = await bed.start('edited');
        const first = await bed.taskEvent(
          (e) =>
            e.runId === runId && e.status === 'scheduled' && (e.taskKey === 'first' || e.taskKey === 'gate'),
        );
        return first.taskKey === 'first' && runId;
      },
      { what: 'a new run of the edited template' },
    );
    gate.open();
    expect(await bed.finished(underWay)).toMatchObject({
      status: 'succeeded',
      output: { content: 'before' },
    });
    expect(await bed.finished(newer)).toMatchObject({ status: 'succeeded', output: { content: 'after' } });
  });

  it('keeps what a file held before when its new content is refused, and drops a removed file', async () => {
    const { engine, write, runOf } = await startBed([single(1)]);
    expect(engine.stats.lastError).toBeUndefined();
    write('{"name": "single", "version": 1, "tasks": {', 'single.json');
    // Written after the broken file: once it can be started, the broken file has been read too.
    write({ ...single(2), name: 'marker' });
    await waitFor(async () => (await runOf('marker')).status === 'succeeded', {
      what: 'the folder to be read again',
    });
    expect(await runOf('single')).toMatchObject({ status: 'succeeded', output: { n: 1 } });
    // Its presence entry tells it, for `oo status` and the web UI.
    expect(engine.stats.lastError).toMatchObject({
      code: 'OO_ERR_WORKFLOW_TEMPLATE_INVALID',
      message: expect.stringMatching(/single\.json: not JSON: /),
    });

    rmSync(join(bed.templatesDir, 'single.json'));
    await waitFor(async () => (await runOf('single')).status === 'failed', {
      what: 'the removed template to be refused',
    });
    const refused = await runOf('single');
    expect(refused.error?.message).toMatch(/no template single is loaded \(loaded: .*marker/);
  });
});
