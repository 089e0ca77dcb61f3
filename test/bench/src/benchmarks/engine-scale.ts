/**
 * engine.scale: does a task cost more in a big run than in a small one? The engine rewrites a run's
 * head on every transition (run-segments.ts), so a cost that grows with the run shows here. Two templates of the same shape, layers of 10 no-op tasks where every task needs every task of
 * the layer before: 5 layers (50 tasks) and 200 layers (2,000 tasks), the same width so the same
 * parallelism. Runs one at a time, after warm-up runs of both, small and large in turns (ROUNDS rounds of
 * SMALL.runs small runs and LARGE.runs large ones), so that a drift in the host's speed (seen here:
 * 2x within minutes) slows both alike; per-task cost = total wall time of the measured runs / their
 * tasks.
 *
 * engine.scale.foreach asks the same of a forEach, whose elements' outputs wait in the run until it
 * ends: a 10,000-element forEach against a 100-element one, 50 in flight, per element.
 */
import { startTelemetry } from '@oo/runtime';
import { startNatsServer } from '@oo/test-harness';
import { type Benchmark, round } from '../bench-result.js';
import { forEachTemplate, layeredTemplate } from '../engine/bench-templates.js';
import { type OoSystem, startOo } from '../engine/oo-system.js';

const WIDTH = 10;
const SMALL = { name: 'bench-scale-small', layers: 5, runs: 10 };
const LARGE = { name: 'bench-scale-large', layers: 200, runs: 1 };
const FOR_EACH_SMALL = { name: 'bench-scale-foreach-small', elements: 100, runs: 10 };
const FOR_EACH_LARGE = { name: 'bench-scale-foreach-large', elements: 10_000, runs: 1 };
const FOR_EACH_CONCURRENCY = 50;
const ROUNDS = 3;
const RUN_TIMEOUT_MS = 900_000;

/** Wall time (ms) of each of `runs` runs of the template, one at a time. */
async function runTimes(oo: OoSystem, name: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await oo.run(name, {}, RUN_TIMEOUT_MS);
    times.push(performance.now() - started);
  }
  return times;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

interface Sized {
  readonly name: string;
  readonly runs: number;
}

/**
 * After warm-up runs of both (a large run's first transitions run code the small one barely does, and
 * was measured 20-40% slower than the next ones), ROUNDS rounds of small runs then large ones.
 */
async function takeTurns(oo: OoSystem, small: Sized, large: Sized) {
  const times = { small: [] as number[], large: [] as number[] };
  await runTimes(oo, small.name, 5);
  await runTimes(oo, large.name, 1);
  for (let i = 0; i < ROUNDS; i++) {
    times.small.push(...(await runTimes(oo, small.name, small.runs)));
    times.large.push(...(await runTimes(oo, large.name, large.runs)));
  }
  return times;
}

export const engineScale: Benchmark = {
  name: 'engine.scale',
  async run() {
    const templates = [
      ...[SMALL, LARGE].map((t) => layeredTemplate(t.name, t.layers, WIDTH)),
      ...[FOR_EACH_SMALL, FOR_EACH_LARGE].map((t) =>
        forEachTemplate(t.name, t.elements, FOR_EACH_CONCURRENCY),
      ),
    ];
    const telemetry = startTelemetry({ serviceName: 'oo-bench' });
    const server = await startNatsServer();
    try {
      const oo = await startOo(server.url, templates);
      let small: number[];
      let large: number[];
      let forEach: { small: number[]; large: number[] };
      try {
        ({ small, large } = await takeTurns(oo, SMALL, LARGE));
        forEach = await takeTurns(oo, FOR_EACH_SMALL, FOR_EACH_LARGE);
      } finally {
        await oo.stop();
      }
      const smallMs = sum(small) / (small.length * SMALL.layers * WIDTH);
      const largeMs = sum(large) / (large.length * LARGE.layers * WIDTH);
      const ratio = largeMs / smallMs;
      const elementMs = {
        small: sum(forEach.small) / (forEach.small.length * FOR_EACH_SMALL.elements),
        large: sum(forEach.large) / (forEach.large.length * FOR_EACH_LARGE.elements),
      };
      return [
        {
          name: 'engine.scale',
          value: round(ratio),
          unit: 'x',
          ratio: round(ratio),
          small_per_task_ms: round(smallMs, 3),
          large_per_task_ms: round(largeMs, 3),
          large_run_s: large.map((ms) => round(ms / 1000, 1)),
          notes:
            `per-task cost (wall time / tasks) of a ${LARGE.layers * WIDTH}-task template over a ${SMALL.layers * WIDTH}-task one; ` +
            `layers of ${WIDTH} no-ops, each needing all of the layer before (same width, so the same parallelism); ` +
            `${ROUNDS} rounds of ${SMALL.runs} small and ${LARGE.runs} large run(s), one at a time, after 5 small and 1 large warm-up runs; ` +
            'engine + built-in runner in this process, file-backed JetStream, logs off.',
        },
        {
          name: 'engine.scale.foreach',
          value: round(elementMs.large / elementMs.small),
          unit: 'x',
          ratio: round(elementMs.large / elementMs.small),
          small_per_element_ms: round(elementMs.small, 3),
          large_per_element_ms: round(elementMs.large, 3),
          large_run_s: forEach.large.map((ms) => round(ms / 1000, 1)),
          notes:
            `per-element cost (wall time / elements) of a forEach of ${FOR_EACH_LARGE.elements} no-op elements over one of ${FOR_EACH_SMALL.elements}; ` +
            `${FOR_EACH_CONCURRENCY} in flight, each returning its item, the run counting the collected outputs; ` +
            `${ROUNDS} rounds of ${FOR_EACH_SMALL.runs} small and ${FOR_EACH_LARGE.runs} large run(s), one at a time, after warm-up runs; as engine.scale otherwise.`,
        },
      ];
    } finally {
      await server.stop();
      await telemetry.shutdown();
    }
  },
};
