/**
 * engine.parked: what 10,000 waiting runs cost. Each run's one task (`bench.park`, see park-task.ts)
 * answers ctx.again(10 min), so its message is parked in JetStream. Engine and runner each run in a
 * child process of their own, from the compiled build (as a deployment runs `oo actor`); once all
 * 10,000 tasks are parked their CPU time and RSS are read from /proc/<pid>/stat and /proc/<pid>/status
 * over a 30 s window, and over the 30 s after it: the first window holds what follows the burst of
 * 10,000 starts (V8 collecting and shrinking both heaps for ~20 s), the second what parking costs
 * once that settled.
 * A diamond run started 10 s into the window must still finish in about the time it took before the
 * 10,000 runs were started.
 */
import { durableName, StreamNames, taskSubject } from '@oo/contracts';
import { startTelemetry } from '@oo/runtime';
import { DEPLOYED_NODE_FLAGS, startNatsServer, waitFor } from '@oo/test-harness';
import { type Benchmark, quantile, round } from '../bench-result.js';
import { type ActorProcesses, startActorProcesses } from '../engine/actor-processes.js';
import { diamondTemplate, templatesFolder } from '../engine/bench-templates.js';
import { runAll } from '../engine/in-flight.js';
import { type RunDriver, startRunDriver } from '../engine/oo-system.js';
import { PARK_MS, parkRunner, parkTask } from '../engine/park-task.js';
import { findProcess, type ProcSample, sampleProcess } from '../engine/proc-stats.js';

const PARKED = 10_000;
const WINDOW_MS = 30_000;
/** The settled window follows the first one directly. */
const SETTLED_MS = 30_000;
const FRESH_AT_MS = 10_000;
const START_IN_FLIGHT = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU use (% of one core) between two samples `ms` apart. */
function cpuPct(from: ProcSample, to: ProcSample, ms: number): number {
  return ((to.cpuMs - from.cpuMs) / ms) * 100;
}

export const engineParked: Benchmark = {
  name: 'engine.parked',
  async run() {
    const diamond = diamondTemplate();
    const park = { name: 'bench-park', version: 1, tasks: { wait: { type: parkTask.type } } };
    const folder = templatesFolder([diamond, park]);
    const telemetry = startTelemetry({ serviceName: 'oo-bench' });
    const server = await startNatsServer();
    let actors: ActorProcesses | undefined;
    let driver: RunDriver | undefined;
    try {
      actors = await startActorProcesses(server.url, folder.dir);
      const { engine, runner } = actors;
      let parked = 0;
      driver = await startRunDriver(server.url, (event) => {
        if (event.type === parkTask.type && event.status === 'running') parked++;
      });
      const { run, start, handle } = driver;

      // Normal time for a diamond, before anything is parked (after warm-up runs).
      for (let i = 0; i < 5; i++) await run(diamond.name);
      const baseline: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await run(diamond.name);
        baseline.push(performance.now() - t0);
      }
      const idleRssMb = sampleProcess(engine.pid).rssMb + sampleProcess(runner.pid).rssMb;

      const parkStarted = performance.now();
      await runAll(PARKED, START_IN_FLIGHT, () => start(park.name));
      await waitFor(() => parked >= PARKED, { timeoutMs: 300_000, intervalMs: 200, what: 'all runs parked' });
      // Running events are published before the task runs: also wait until the stream holds every
      // message as parked (delivered, unacked, nothing left to deliver).
      const durable = durableName(parkRunner.name, taskSubject(parkTask.type).name);
      await waitFor(
        async () => {
          const info = await handle.nats.jsm.consumers.info(StreamNames.tasks, durable);
          return info.num_pending === 0 && info.num_ack_pending >= PARKED;
        },
        { timeoutMs: 60_000, intervalMs: 200, what: 'parked messages' },
      );
      const parkMs = performance.now() - parkStarted;
      await sleep(2_000);

      const natsPid = findProcess('nats-server', server.storeDir);
      const sample = () => ({
        at: performance.now(),
        engine: sampleProcess(engine.pid),
        runner: sampleProcess(runner.pid),
        nats: natsPid === undefined ? undefined : sampleProcess(natsPid),
      });
      const first = sample();
      let previous = first;
      let peak = 0;
      let freshMs = Number.NaN;
      const fresh = sleep(FRESH_AT_MS).then(async () => {
        const t0 = performance.now();
        await run(diamond.name);
        freshMs = performance.now() - t0;
      });
      fresh.catch(() => undefined); // awaited (and thrown) after the window
      let windowEnd = first;
      while (performance.now() - first.at < WINDOW_MS + SETTLED_MS) {
        await sleep(1_000);
        const now = sample();
        const ms = now.at - previous.at;
        peak = Math.max(
          peak,
          cpuPct(previous.engine, now.engine, ms) + cpuPct(previous.runner, now.runner, ms),
        );
        previous = now;
        if (now.at - first.at < WINDOW_MS) windowEnd = now;
      }
      await fresh;
      const last = previous;
      const ms = windowEnd.at - first.at;
      const engineCpu = cpuPct(first.engine, windowEnd.engine, ms);
      const runnerCpu = cpuPct(first.runner, windowEnd.runner, ms);
      const cpu = engineCpu + runnerCpu;
      const settledMs = last.at - windowEnd.at;
      const settledCpu =
        cpuPct(windowEnd.engine, last.engine, settledMs) + cpuPct(windowEnd.runner, last.runner, settledMs);
      return [
        {
          name: 'engine.parked',
          value: round(cpu, 2),
          unit: '% of one core',
          cpu_pct: round(cpu, 2),
          cpu_settled_pct: round(settledCpu, 2),
          rss_mb: round(last.engine.rssMb + last.runner.rssMb, 1),
          rss_before_mb: round(idleRssMb, 1),
          fresh_run_ms: round(freshMs, 1),
          fresh_baseline_ms: round(quantile(baseline, 0.5), 1),
          engine_cpu_pct: round(engineCpu, 2),
          runner_cpu_pct: round(runnerCpu, 2),
          cpu_peak_1s_pct: round(peak, 1),
          engine_rss_mb: round(last.engine.rssMb, 1),
          runner_rss_mb: round(last.runner.rssMb, 1),
          ...(first.nats && windowEnd.nats
            ? { nats_cpu_pct: round(cpuPct(first.nats, windowEnd.nats, ms), 2) }
            : {}),
          park_s: round(parkMs / 1000, 1),
          notes:
            `${PARKED} runs, each parked in a task answering ctx.again(${PARK_MS}); engine and runner each in a child process ` +
            `(the compiled build, node ${DEPLOYED_NODE_FLAGS.join(' ')}; logs off, spans recorded not exported); CPU = utime+stime from /proc/<pid>/stat over ${round(ms / 1000, 1)} s ` +
            'from 2 s after all were parked (engine + runner, % of one core; nats-server apart); cpu_settled = the same over the ' +
            `${round(settledMs / 1000, 1)} s after that window; RSS = VmRSS at the end of both (rss_before = after the ` +
            'baseline runs, before the 10,000 were started); peak = busiest 1 s of both (the engine reconciler sweeps every 60 s, ' +
            'reading which runs were written since its last sweep, headers only: the two windows hold the sweep that learns of the 10,000). ' +
            `fresh_run_ms = a diamond run started ${FRESH_AT_MS / 1000} s into the window, start command -> succeeded event; ` +
            'fresh_baseline_ms = median of 5 diamond runs before the 10,000 were started; park_s = starting all 10,000 until all parked.',
        },
      ];
    } finally {
      await driver?.handle.stop();
      await actors?.stop();
      await server.stop();
      folder.remove();
      await telemetry.shutdown();
    }
  },
};
