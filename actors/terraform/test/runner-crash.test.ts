import type { TaskStatus } from '@oo/contracts';
import { type ChildHandle, spawnTsx } from '@oo/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { managedVm, tfeRunInputFor } from './fixtures/resource-repo.js';
import { MODULES_DIR, startTerraformTestbed, type TerraformTestbed } from './fixtures/terraform-testbed.js';

const RUNNER_PROCESS = new URL('./fixtures/terraform-runner-process.ts', import.meta.url).pathname;

let bed: TerraformTestbed | undefined;
let ticker: NodeJS.Timeout | undefined;
const children: ChildHandle[] = [];
afterEach(async () => {
  clearInterval(ticker);
  await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
  await bed?.stop();
  bed = undefined;
});

describe('terraform runner - crash safety', () => {
  it('keeps one TFE run and finishes it when the runner is killed -9 while waiting on it', async () => {
    // The simulator's clock is the test's: TFE stands still while a runner is dead.
    bed = await startTerraformTestbed({ runner: false, sim: { stepDelayMs: 0 } });
    const testbed = bed;
    const clock = {
      run: () => {
        ticker = setInterval(() => testbed.sim.control.tick(), 20);
      },
      stop: () => clearInterval(ticker),
    };
    const spawnRunner = async () => {
      const child = spawnTsx(RUNNER_PROCESS, {
        NATS_URL: testbed.server.url,
        TFE_URL: testbed.sim.url,
        TFE_TOKEN: testbed.sim.token,
        TFE_ORGANIZATION: testbed.sim.organization,
        MODULES_DIR,
        GIT_CACHE_DIR: testbed.gitCacheDir,
      });
      children.push(child);
      // tsx compiles the runtime on each start: slow on a loaded machine.
      await child.waitForLine(/^ready terraform /, 90_000);
      return child;
    };
    // A kill that lands while a task's delivery is in the handler (not parked in a nak delay) is
    // redelivered only after the ack wait, 30 s: what comes after a kill waits longer than that.
    const event = (runId: string, taskKey: string, status: TaskStatus, timeoutMs = 90_000) =>
      testbed.taskEvent((e) => e.runId === runId && e.taskKey === taskKey && e.status === status, timeoutMs);

    let runner = await spawnRunner();
    clock.run();
    const runId = await testbed.start('tfe-run', tfeRunInputFor(managedVm({ name: 'crash01' })));

    // Killed while waiting for the plan: the TFE run exists, the runner's memory of it is gone.
    // The clock stops once the run is created, so the plan cannot be done before the plan task
    // first looks; a task that finds it done ends at once and is never `running` (the test then
    // waited in vain, 1 time in 4-8).
    await event(runId, 'run', 'succeeded');
    clock.stop();
    await event(runId, 'plan', 'running');
    expect(testbed.sim.control.workspace('oo-crash01')!.runCount).toBe(1);
    await runner.kill('SIGKILL');
    runner = await spawnRunner();
    clock.run();

    // Killed again while waiting for the apply to finish, the clock stopped as before: once the
    // plan is done TFE holds the run for confirmation, ticks or not.
    await event(runId, 'plan', 'succeeded');
    clock.stop();
    await event(runId, 'finish', 'running');
    await runner.kill('SIGKILL');
    runner = await spawnRunner();
    clock.run();

    const end = await testbed.finished(runId, 90_000);
    expect(end.status, JSON.stringify(end.error)).toBe('succeeded');
    const ws = testbed.sim.control.workspace('oo-crash01')!;
    expect(ws).toMatchObject({ runCount: 1, configurationVersionCount: 1 });
    expect(ws.runs[0]!.status).toBe('applied');
    expect(end.output).toMatchObject({
      runId: ws.runs[0]!.id,
      status: 'applied',
      outputs: { vm_name: 'crash01' },
    });
    const posts = (path: string | RegExp) => testbed.sim.control.requests({ method: 'POST', path });
    expect(posts('/api/v2/runs')).toHaveLength(1);
    expect(posts(/\/actions\/apply$/)).toHaveLength(1);
  }, 300_000);
});
