/**
 * The simulator clock. Every state change that TFE does in the background happens on a tick: uploads
 * are processed (configuration version `pending → uploaded|errored`, auto-queued runs created), the
 * run holding each workspace moves one status along its script, and a finished run hands the
 * workspace to the oldest pending one. Ticks come from a timer every `stepDelayMs`, or only from
 * `tick()` when the delay is 0.
 */
import { advance, createRun, isActiveRun } from './run-state-machine.js';
import type { SimContext } from './sim-context.js';
import type { ConfigurationVersion } from './store.js';

export interface Scheduler {
  tick(count?: number): void;
  stop(): void;
}

export function startScheduler(sim: SimContext, stepDelayMs: number): Scheduler {
  const tickOnce = (): void => {
    sim.clock.ticks += 1;
    for (const cv of sim.store.configurationVersions.values()) {
      if (cv.upload && !cv.upload.processed) processUpload(sim, cv);
    }
    for (const workspace of sim.store.workspaces.values()) {
      const runs = sim.store.runsOf(workspace.id);
      const active = runs.find(isActiveRun) ?? runs.find((run) => run.status === 'pending');
      if (!active) continue;
      if (active.status === 'pending') workspace.currentRunId = active.id;
      advance(sim, active);
    }
  };
  const timer = stepDelayMs > 0 ? setInterval(tickOnce, stepDelayMs) : undefined;
  timer?.unref();
  return {
    tick(count = 1) {
      for (let i = 0; i < count; i++) tickOnce();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

function processUpload(sim: SimContext, cv: ConfigurationVersion): void {
  const upload = cv.upload!;
  upload.processed = true;
  const now = sim.clock.nowIso();
  if (upload.error !== null) {
    cv.status = 'errored';
    cv.errorMessage = upload.error;
    cv.statusTimestamps['errored-at'] = now;
    return;
  }
  cv.status = 'uploaded';
  cv.statusTimestamps['uploaded-at'] = now;
  const workspace = sim.store.workspaces.get(cv.workspaceId)!;
  if (!cv.provisional) workspace.currentConfigurationVersionId = cv.id;
  if (cv.autoQueueRuns) {
    createRun(sim, workspace, cv, {
      message: 'Triggered via API',
      source: 'tfe-configuration-version',
      triggerReason: 'manual',
      isDestroy: false,
      autoApply: workspace.autoApply,
      planOnly: cv.speculative,
      variables: [],
    });
  }
}
