import { startTfeSimulator, type TfeSimulator } from '@oo/simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadConfigInput, uploadConfigTask } from '../../src/tasks/upload-config.js';
import { handBuiltContext } from '../fixtures/task-context.js';
import { depsFor } from '../fixtures/task-deps.js';

let sim: TfeSimulator | undefined;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close();
  await sim?.stop();
  sim = undefined;
});

const UPLOADS = /^\/_archivist\/v1\/object\//;

async function setup(uploadTimeoutMs = 60_000) {
  sim = await startTfeSimulator({ stepDelayMs: 20 });
  const deps = depsFor(sim, { uploadTimeoutMs });
  cleanup.push(() => deps.client.close());
  const ws = await deps.client.ensureWorkspace('oo', { name: 'oo-web31' });
  const input = UploadConfigInput.parse({ workspaceId: ws.id, module: 'vsphere-vm' });
  return { sim, deps, input, task: uploadConfigTask(deps) };
}

/** Delivers until the task returns something other than `again`, as JetStream would. */
async function deliverUntilDone(run: () => Promise<unknown>): Promise<unknown> {
  for (;;) {
    const result = await run();
    const again = result as { again?: true; delayMs?: number };
    if (again.again !== true) return result;
    // JetStream's nak delay, which parks the message between looks.
    await new Promise((resolve) => setTimeout(resolve, again.delayMs));
  }
}

describe('tfe.upload_config - one configuration version, uploaded once', () => {
  it('uploads the module to a fresh version and waits until TFE has processed it', async () => {
    const { sim, input, task } = await setup();
    const ctx = handBuiltContext('run_C', 'config');

    const output = await deliverUntilDone(() => task.run(ctx.delivery(), input));

    const ws = sim.control.workspace('oo-web31')!;
    expect(output).toEqual({
      configurationVersionId: ws.uploads[0]!.configurationVersionId,
      uploaded: true,
      files: ['main.tf', 'outputs.tf', 'variables.tf'],
    });
    expect(ws.configurationVersionCount).toBe(1);
    expect(JSON.stringify([...ctx.vars.values()])).not.toContain('/_archivist/');
  });

  it('does not send the upload again after a crash right after it: the version it reached is used', async () => {
    const { sim, input, task } = await setup();
    const ctx = handBuiltContext('run_C', 'config');
    const acknowledged = (name: string, value: unknown) =>
      name === 'cv' && (value as { putConfirmed: boolean }).putConfirmed;

    await expect(task.run(ctx.delivery({ crashOnSet: acknowledged }), input)).rejects.toThrow(
      'crash before cv',
    );
    const output = await deliverUntilDone(() => task.run(ctx.delivery(), input));

    const ws = sim.control.workspace('oo-web31')!;
    expect(ws.configurationVersionCount).toBe(1);
    expect(output).toMatchObject({ configurationVersionId: ws.uploads[0]!.configurationVersionId });
    expect(sim.control.requests({ method: 'PUT', path: UPLOADS })).toHaveLength(1);
  });

  it('gives up an upload that never arrived after the timeout and uploads to a fresh version', async () => {
    const { sim, deps, input, task } = await setup(300);
    const lost = await deps.client.createConfigurationVersion(input.workspaceId);
    const ctx = handBuiltContext('run_C', 'config');
    // As a crash during the PUT leaves it: sent, never acknowledged, never arrived.
    ctx.vars.set('cv', {
      id: lost.configurationVersion.id,
      uploadUrl: null,
      putAt: Date.now(),
      putConfirmed: false,
    });

    const retried = deliverUntilDone(() => task.run(ctx.delivery(), input));
    await expect(retried).rejects.toMatchObject({ code: 'OO_ERR_TFE_UPLOAD_FAILED', retryable: true });
    const output = await deliverUntilDone(() => task.run(ctx.delivery(), input));

    const ws = sim.control.workspace('oo-web31')!;
    expect(ws.configurationVersionCount).toBe(2);
    expect(output).toMatchObject({ configurationVersionId: ws.uploads[0]!.configurationVersionId });
    expect(ws.uploads[0]!.configurationVersionId).not.toBe(lost.configurationVersion.id);
  });

  it('makes a fresh version when the upload is refused, never reusing the spent URL', async () => {
    const { sim, input, task } = await setup();
    sim.control.injectFault({ method: 'PUT', path: UPLOADS, fault: { type: 'reset' } });
    const ctx = handBuiltContext('run_C', 'config');

    await expect(task.run(ctx.delivery(), input)).rejects.toMatchObject({
      code: 'OO_ERR_TFE_UPLOAD_FAILED',
      retryable: true,
    });
    const output = await deliverUntilDone(() => task.run(ctx.delivery(), input));

    const puts = sim.control.requests({ method: 'PUT', path: UPLOADS });
    expect(puts.map((p) => p.status)).toEqual(['reset', 200]);
    expect(new Set(puts.map((p) => p.path)).size).toBe(2);
    expect(sim.control.workspace('oo-web31')!.configurationVersionCount).toBe(2);
    expect(output).toMatchObject({ uploaded: true });
  });
});
