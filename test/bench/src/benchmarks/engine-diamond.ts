/**
 * engine.diamond: throughput of the engine and runner on many small runs, beside the floor and BullMQ
 * in the same process, on the same machine, one after the other.
 *
 * Turns of 1,000 runs of `templates/diamond.json` (a -> (b, c) -> d -> e, no-op tasks), 200 runs in
 * flight, after a warm-up turn, each system in this process:
 *   - OO: engine actor + built-in runner + a driver starting runs and hearing their end events, on a
 *     private file-backed nats-server (as `oo up` runs them: one process, a connection each, and
 *     `npm run bench` gives the process the node flags `oo`'s shebang gives it: the compiled build,
 *     a larger young generation);
 *   - the floor: a hand-written JetStream DAG loop (see floor-dag.ts) on the same server;
 *   - BullMQ: the closest faithful flow mapping (see bullmq-diamond.ts) on the local Redis.
 * The three take turns, ROUNDS rounds of RUNS runs each, so that a host whose speed drifts during the
 * benchmark (seen here: 2x within minutes) slows all three alike and the ratios hold. A turn is the
 * whole measure (1,000 runs, 200 in flight), not a slice of it: a turn of 200 runs at 200 in flight
 * is one burst, every run started at once and the turn over when the last one ends, so it measured
 * filling and draining the pipeline more than its steady state.
 * Scheduling latency (OO only) is measured inside the runner (see task-timings.ts).
 */

import type { TemplateInput } from '@oo/contracts';
import { startTelemetry } from '@oo/runtime';
import { type NatsServer, startNatsServer } from '@oo/test-harness';
import { Redis } from 'ioredis';
import { type Benchmark, quantile, round } from '../bench-result.js';
import { type ActorProcesses, startActorProcesses } from '../engine/actor-processes.js';
import { diamondTemplate, needsOf, templatesFolder } from '../engine/bench-templates.js';
import { startBullmqDiamond } from '../engine/bullmq-diamond.js';
import { startFloor } from '../engine/floor-dag.js';
import { runAll } from '../engine/in-flight.js';
import { type RunDriver, startOo, startRunDriver } from '../engine/oo-system.js';
import { findProcess, sampleProcess } from '../engine/proc-stats.js';
import { addDelta, NO_TRAFFIC, perRun, readTraffic, type Traffic } from '../engine/server-traffic.js';
import { schedulingLatencies } from '../engine/task-timings.js';

const RUNS = 1_000;
const ROUNDS = 3;
const WARMUP_RUNS = 1_000;
const IN_FLIGHT = 200;
const REDIS = { host: '127.0.0.1', port: 6379 };
const BULLMQ_CONCURRENCY = 100;

async function assertRedis(): Promise<void> {
  const redis = new Redis({
    ...REDIS,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`engine.diamond needs Redis at ${REDIS.host}:${REDIS.port} for BullMQ: ${err}`);
  } finally {
    redis.disconnect();
  }
}

interface ProcessesMeasure {
  ms: number;
  /** CPU use over the measured runs, % of one core. */
  cpu: { engine: number; runner: number; nats: number; driver: number };
}

/**
 * OO as deployed: engine and runner each in a process of its own (compiled build), the driver here.
 * Also reads where the CPU went, nats-server included.
 */
async function measureProcesses(server: NatsServer, template: TemplateInput): Promise<ProcessesMeasure> {
  const folder = templatesFolder([template]);
  let actors: ActorProcesses | undefined;
  let driver: RunDriver | undefined;
  try {
    actors = await startActorProcesses(server.url, folder.dir);
    driver = await startRunDriver(server.url);
    const run = driver.run;
    await runAll(WARMUP_RUNS, IN_FLIGHT, () => run(template.name));
    const natsPid = findProcess('nats-server', server.storeDir);
    const pids = { engine: actors.engine.pid, runner: actors.runner.pid, nats: natsPid ?? -1 };
    const before = { procs: mapValues(pids, sampleProcess), driver: process.cpuUsage() };
    const ms = await runAll(RUNS, IN_FLIGHT, () => run(template.name));
    const after = mapValues(pids, sampleProcess);
    const pct = (cpuMs: number) => round((cpuMs / ms) * 100, 1);
    const driverUs = process.cpuUsage(before.driver);
    return {
      ms,
      cpu: {
        engine: pct(after.engine.cpuMs - before.procs.engine.cpuMs),
        runner: pct(after.runner.cpuMs - before.procs.runner.cpuMs),
        nats: pct(after.nats.cpuMs - before.procs.nats.cpuMs),
        driver: pct((driverUs.user + driverUs.system) / 1000),
      },
    };
  } finally {
    await driver?.handle.stop();
    await actors?.stop();
    folder.remove();
  }
}

function mapValues<K extends string, A, B>(record: Record<K, A>, f: (a: A) => B): Record<K, B> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v as A)])) as Record<K, B>;
}

/** One run of one system: starts it and resolves when it ended. */
type RunOne = () => Promise<unknown>;

/** One system taking its turns: how it runs one DAG, and the server process it works through. */
interface System {
  readonly run: RunOne;
  /** nats-server or redis-server; undefined when it cannot be found (its CPU is then not read). */
  readonly serverPid: number | undefined;
}

/** A system's share of the turns. */
interface Turns {
  /** Total wall time (ms). */
  ms: number;
  /** What the nats-server carried during them. */
  traffic: Traffic;
  /** CPU time (ms) this process used during them: the system's client side, the others being idle. */
  nodeCpuMs: number;
  /** CPU time (ms) the system's server used during them. */
  serverCpuMs: number;
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function serverCpuMs(pid: number | undefined): number {
  return pid === undefined ? Number.NaN : sampleProcess(pid).cpuMs;
}

/** ROUNDS rounds in which each system runs RUNS runs in turn. */
async function takeTurns(systems: readonly System[], monitorUrl: string): Promise<Turns[]> {
  const totals = systems.map((): Turns => ({ ms: 0, traffic: NO_TRAFFIC, nodeCpuMs: 0, serverCpuMs: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, system] of systems.entries()) {
      const total = totals[i]!;
      const before = await readTraffic(monitorUrl);
      const nodeBefore = processCpuMs();
      const serverBefore = serverCpuMs(system.serverPid);
      total.ms += await runAll(RUNS, IN_FLIGHT, system.run);
      total.nodeCpuMs += processCpuMs() - nodeBefore;
      total.serverCpuMs += serverCpuMs(system.serverPid) - serverBefore;
      total.traffic = addDelta(total.traffic, before, await readTraffic(monitorUrl));
    }
  }
  return totals;
}

/** CPU per task of one system's turns (µs): this process's and its server's. */
function cpuPerTask(turns: Turns, tasks: number): { node: number; server: number | null } {
  const server = Math.round((turns.serverCpuMs * 1000) / tasks);
  return { node: Math.round((turns.nodeCpuMs * 1000) / tasks), server: Number.isNaN(server) ? null : server };
}

export const engineDiamond: Benchmark = {
  name: 'engine.diamond',
  async run() {
    await assertRedis();
    const diamond = diamondTemplate();
    const needs = needsOf(diamond);
    const tasksPerRun = needs.size;
    const telemetry = startTelemetry({ serviceName: 'oo-bench' });
    const server = await startNatsServer({ monitor: true });
    const monitorUrl = server.monitorUrl!;
    try {
      const processes = await measureProcesses(server, diamond);
      const started: Array<{ stop(): Promise<void> }> = [];
      let turns: Turns[];
      let latencies: number[];
      try {
        const oo = await startOo(server.url, [diamond]);
        started.push(oo);
        const floor = await startFloor(server.url, needs);
        started.push(floor);
        const bullmq = await startBullmqDiamond({ ...REDIS, concurrency: BULLMQ_CONCURRENCY });
        started.push(bullmq);
        const runIds: string[] = [];
        let measuring = false;
        const natsPid = findProcess('nats-server', server.storeDir);
        const redisPid = findProcess('redis-server', `${REDIS.host}:${REDIS.port}`);
        const systems: System[] = [
          {
            run: async () => {
              const { runId } = await oo.run(diamond.name);
              if (measuring) runIds.push(runId);
            },
            serverPid: natsPid,
          },
          { run: () => floor.run(), serverPid: natsPid },
          { run: () => bullmq.run(), serverPid: redisPid },
        ];
        for (const { run } of systems) await runAll(WARMUP_RUNS, IN_FLIGHT, run);
        oo.timings.clear();
        measuring = true;
        turns = await takeTurns(systems, monitorUrl);
        latencies = schedulingLatencies(oo.timings, runIds, needs);
      } finally {
        for (const system of started.reverse()) await system.stop();
      }
      const [ooTurns, floorTurns, bullmqTurns] = turns as [Turns, Turns, Turns];
      const ooMs = ooTurns.ms;
      const floorMs = floorTurns.ms;
      const bullmqMs = bullmqTurns.ms;
      const tasksPerS = (ms: number, runs = ROUNDS * RUNS) => (runs * tasksPerRun) / (ms / 1000);
      const value = tasksPerS(ooMs);
      return [
        {
          name: 'engine.diamond',
          value: Math.round(value),
          unit: 'tasks/s',
          runs_per_s: Math.round((ROUNDS * RUNS) / (ooMs / 1000)),
          p50_ms: round(quantile(latencies, 0.5), 2),
          p99_ms: round(quantile(latencies, 0.99), 2),
          floor: Math.round(tasksPerS(floorMs)),
          bullmq: Math.round(tasksPerS(bullmqMs)),
          ratio_floor: round(value / tasksPerS(floorMs)),
          ratio_bullmq: round(value / tasksPerS(bullmqMs)),
          cpu_us_per_task: {
            oo: cpuPerTask(ooTurns, ROUNDS * RUNS * tasksPerRun),
            floor: cpuPerTask(floorTurns, ROUNDS * RUNS * tasksPerRun),
            bullmq: cpuPerTask(bullmqTurns, ROUNDS * RUNS * tasksPerRun),
          },
          nats_per_run: {
            oo: perRun(ooTurns.traffic, ROUNDS * RUNS),
            floor: perRun(floorTurns.traffic, ROUNDS * RUNS),
          },
          processes: Math.round(tasksPerS(processes.ms, RUNS)),
          processes_cpu_pct: processes.cpu,
          notes:
            `turns of ${RUNS} runs of templates/diamond.json (5 no-op tasks), ${IN_FLIGHT} in flight, after a warm-up turn of ${WARMUP_RUNS} runs; ` +
            `OO, the floor and BullMQ take turns, ${ROUNDS} rounds of a turn each (figures over all ${ROUNDS}), so a drift in the host's speed affects all three alike; ` +
            'OO = engine + built-in runner + driver in this process (as `oo up` runs them), file-backed JetStream, logs off, spans recorded not exported. ' +
            `This process's node flags, as oo's: ${process.execArgv.filter((a) => a.startsWith('--max-semi') || a.startsWith('--conditions')).join(' ') || 'none (defaults)'}. ` +
            'processes = one turn of the same runs, after a warm-up turn, with engine and runner each in its own process from the compiled build (as deployed with `oo actor`), ' +
            'the driver here; processes_cpu_pct = CPU each used meanwhile (% of one core; nats-server included, 200 = both cores). ' +
            'p50/p99 = scheduling latency measured inside the runner (performance.now in an interceptor): a task message reaching ' +
            'the runner minus the runner finishing its last need (end event published and acked), over b, c, d, e of each run. ' +
            'floor = hand-written JetStream loop (publish task, worker publishes done, scheduler CAS-updates run state in KV, publishes next) on the same server. ' +
            "cpu_us_per_task = CPU per task during each system's turns: node = this process (the system's client side; the other two are idle then), " +
            'server = its nats-server or redis-server (from /proc; null when not found). ' +
            "nats_per_run = what the nats-server carried per run during OO's and the floor's turns (its /varz: messages and bytes, headers included, " +
            'in = from clients, out = to them). ' +
            `bullmq = a as its own job whose processor adds the flow e <- d <- {b, c} (flows are trees; a diamond as one tree would run a twice; b and c may start a moment before a is marked completed); one worker, concurrency ${BULLMQ_CONCURRENCY}, Redis in memory.`,
        },
      ];
    } finally {
      await server.stop();
      await telemetry.shutdown();
    }
  },
};
