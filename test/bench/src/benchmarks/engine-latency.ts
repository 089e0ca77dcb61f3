/**
 * engine.latency: what one task costs the engine and runner when nothing else is going on. One run
 * at a time of a 20-task chain of no-ops (t1 -> t2 -> ... -> t20), engine + built-in runner in this
 * process on a private file-backed nats-server, after warm-up runs.
 *
 * Per-task overhead = the time from one task's message reaching the runner to the next task's
 * message reaching it (performance.now in an interceptor inside the runner): the runner's whole
 * handling of a task (task_vars, running event, end event) plus the engine's turn (KV compare-and-set,
 * events, schedule) and the two hops through JetStream. No-op tasks, so all of it is overhead.
 */
import { startTelemetry } from '@oo/runtime';
import { startNatsServer } from '@oo/test-harness';
import { type Benchmark, quantile, round } from '../bench-result.js';
import { chainTemplate } from '../engine/bench-templates.js';
import { startOo } from '../engine/oo-system.js';

const LENGTH = 20;
const RUNS = 60;
const WARMUP_RUNS = 10;

export const engineLatency: Benchmark = {
  name: 'engine.latency',
  async run() {
    const chain = chainTemplate('bench-chain', LENGTH);
    const telemetry = startTelemetry({ serviceName: 'oo-bench' });
    const server = await startNatsServer();
    try {
      const oo = await startOo(server.url, [chain]);
      const steps: number[] = [];
      const runnerParts: number[] = [];
      const engineParts: number[] = [];
      const runMs: number[] = [];
      try {
        for (let i = 0; i < WARMUP_RUNS; i++) await oo.run(chain.name);
        for (let i = 0; i < RUNS; i++) {
          const started = performance.now();
          const { runId } = await oo.run(chain.name);
          runMs.push(performance.now() - started);
          for (let t = 1; t < LENGTH; t++) {
            const task = oo.timings.get(runId, `t${t}`);
            const next = oo.timings.get(runId, `t${t + 1}`);
            if (!task?.settled || !next) throw new Error(`engine.latency: no timings for ${runId} t${t}`);
            steps.push(next.delivered - task.delivered);
            runnerParts.push(task.settled - task.delivered);
            engineParts.push(next.delivered - task.settled);
          }
        }
      } finally {
        await oo.stop();
      }
      const p50 = quantile(steps, 0.5);
      return [
        {
          name: 'engine.latency',
          value: round(p50, 3),
          unit: 'ms',
          p50_ms: round(p50, 3),
          p99_ms: round(quantile(steps, 0.99), 3),
          runner_p50_ms: round(quantile(runnerParts, 0.5), 3),
          engine_p50_ms: round(quantile(engineParts, 0.5), 3),
          run_p50_ms: round(quantile(runMs, 0.5), 1),
          per_task_mean_ms: round(runMs.reduce((a, b) => a + b, 0) / runMs.length / LENGTH, 3),
          notes:
            `${RUNS} runs one at a time of a ${LENGTH}-task chain of no-ops, after ${WARMUP_RUNS} warm-up runs; ` +
            `p50/p99 over ${RUNS * (LENGTH - 1)} steps: task n reaching the runner -> task n+1 reaching it, measured inside the runner. ` +
            'runner_p50 = the runner handling a task (delivery -> end event acked); engine_p50 = end event acked -> next task delivered; ' +
            'run_p50 = start command -> succeeded event at the driver; per_task_mean = run time / tasks. Same process, file-backed JetStream, logs off.',
        },
      ];
    } finally {
      await server.stop();
      await telemetry.shutdown();
    }
  },
};
