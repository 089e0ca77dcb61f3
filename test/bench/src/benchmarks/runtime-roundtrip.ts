/**
 * runtime.roundtrip: messages/s and added latency of a typed actor (validated publish -> consume ->
 * validate -> span -> handler -> ack) beside the raw @nats-io/jetstream client doing the same
 * (publish -> consume -> JSON.parse -> ack), in the same run on the same private nats-server.
 *
 * Both paths are opened and warmed with 5,000 messages first: what counts is the steady state, not
 * the JIT compiling either side's code. Throughput: 20,000 messages each with 500 publishes in
 * flight, in 4 rounds taken in turns, so that a drift in the host's speed (seen here: 2x within
 * minutes) slows both alike. Latency: 2,000 messages one at a time (publish, wait for the handler),
 * so queueing does not hide the per-message cost, also in turns (20 rounds of 100).
 */

import { AckPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { subject } from '@oo/contracts';
import { connectNats, defineActor, on, RuntimeConfig, startActor, startTelemetry } from '@oo/runtime';
import { startNatsServer } from '@oo/test-harness';
import { pino } from 'pino';
import { z } from 'zod';
import { type Benchmark, quantile, round } from '../bench-result.js';

const MESSAGES = 20_000;
const WINDOW = 500;
const LATENCY_SAMPLES = 2_000;
const WARMUP = 5_000;
const ROUNDS = 4;
const Body = z.object({ seq: z.number().int(), sentAt: z.number(), pad: z.string() }).strict();
const PAD = 'x'.repeat(400);

/** A way through NATS: publish a body; `received` is called by the consuming side. */
interface Path {
  publish(seq: number): Promise<unknown>;
  stop(): Promise<void>;
}

interface Sink {
  received(sentAt: number): void;
}

/** A path opened once and measured several times; each call resolves when its messages all arrived. */
interface Measured {
  /** Messages/s over `n` messages with WINDOW publishes in flight. */
  throughput(n: number): Promise<number>;
  /** Round-trip times (ms) of `n` messages sent one at a time. */
  latencies(n: number): Promise<number[]>;
  stop(): Promise<void>;
}

async function open(start: (sink: Sink) => Promise<Path>): Promise<Measured> {
  let sent = 0;
  let count = 0;
  let expected = 0;
  let latencies: number[] = [];
  let wake: (() => void) | undefined;
  const sink: Sink = {
    received(sentAt) {
      latencies.push(performance.now() - sentAt);
      if (++count === expected) wake?.();
    },
  };
  const until = (n: number) =>
    new Promise<void>((resolve) => {
      expected = n;
      if (count >= n) resolve();
      else wake = resolve;
    });
  const path = await start(sink);
  return {
    async throughput(n) {
      const started = performance.now();
      const inFlight = new Set<Promise<unknown>>();
      for (let i = 0; i < n; i++) {
        const p = path.publish(sent++).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= WINDOW) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      await until(sent);
      return n / ((performance.now() - started) / 1000);
    },
    async latencies(n) {
      latencies = [];
      for (let i = 0; i < n; i++) {
        const done = until(sent + 1);
        await path.publish(sent++);
        await done;
      }
      return latencies;
    },
    stop: () => path.stop(),
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function rawPath(url: string, sink: Sink): Promise<Path> {
  const nats = await connectNats({ url }, 'bench-raw');
  await nats.jsm.streams.add({
    name: 'BENCH_RAW',
    subjects: ['bench.raw'],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
  });
  await nats.jsm.consumers.add('BENCH_RAW', {
    durable_name: 'raw',
    ack_policy: AckPolicy.Explicit,
    max_ack_pending: 10_000,
  });
  const messages = await (await nats.js.consumers.get('BENCH_RAW', 'raw')).consume({ max_messages: 256 });
  void (async () => {
    for await (const m of messages) {
      const body = JSON.parse(decoder.decode(m.data)) as { sentAt: number };
      m.ack();
      sink.received(body.sentAt);
    }
  })();
  return {
    publish: (seq) =>
      nats.js.publish(
        'bench.raw',
        encoder.encode(JSON.stringify({ seq, sentAt: performance.now(), pad: PAD })),
      ),
    async stop() {
      await messages.close();
      await nats.nc.close();
    },
  };
}

async function typedPath(url: string, sink: Sink): Promise<Path> {
  const roundtrip = subject('oo.cmd.bench.roundtrip', Body);
  const config = RuntimeConfig.parse({ nats: { url }, log: { level: 'silent' } });
  const handle = await startActor(
    defineActor({
      name: 'bench',
      version: '0.0.0',
      handlers: [
        on(
          roundtrip,
          async (_ctx, body) => {
            sink.received(body.sentAt);
            return undefined;
          },
          { concurrency: 256 },
        ),
      ],
    }),
    { config, log: pino({ level: 'silent' }) },
  );
  return {
    publish: (seq) => handle.publish(roundtrip, { seq, sentAt: performance.now(), pad: PAD }),
    stop: () => handle.stop(),
  };
}

export const runtimeRoundtrip: Benchmark = {
  name: 'runtime.roundtrip',
  async run() {
    // Spans are recorded as in production (ids, attributes), just not exported.
    const telemetry = startTelemetry({ serviceName: 'oo-bench' });
    const server = await startNatsServer();
    try {
      const opened: Measured[] = [];
      let rawMs = 0;
      let typedMs = 0;
      const rawLatencies: number[] = [];
      const typedLatencies: number[] = [];
      try {
        const raw = await open((sink) => rawPath(server.url, sink));
        opened.push(raw);
        const typed = await open((sink) => typedPath(server.url, sink));
        opened.push(typed);
        // Warm both (JIT, consumers, file store) before anything counts.
        await raw.throughput(WARMUP);
        await typed.throughput(WARMUP);
        // In turns, so that a drift in the host's speed affects both alike.
        for (let round = 0; round < ROUNDS; round++) {
          rawMs += (MESSAGES / ROUNDS / (await raw.throughput(MESSAGES / ROUNDS))) * 1000;
          typedMs += (MESSAGES / ROUNDS / (await typed.throughput(MESSAGES / ROUNDS))) * 1000;
        }
        // Latency in turns too: a slow spell of the host would otherwise land on one side's p99.
        for (let round = 0; round < ROUNDS * 5; round++) {
          rawLatencies.push(...(await raw.latencies(LATENCY_SAMPLES / (ROUNDS * 5))));
          typedLatencies.push(...(await typed.latencies(LATENCY_SAMPLES / (ROUNDS * 5))));
        }
      } finally {
        for (const path of opened) await path.stop();
      }
      const baseline = { rate: MESSAGES / (rawMs / 1000), latencies: rawLatencies };
      const actor = { rate: MESSAGES / (typedMs / 1000), latencies: typedLatencies };
      return [
        {
          name: 'runtime.roundtrip',
          value: Math.round(actor.rate),
          unit: 'msgs/s',
          baseline: Math.round(baseline.rate),
          ratio: round(actor.rate / baseline.rate),
          p50_added_ms: round(quantile(actor.latencies, 0.5) - quantile(baseline.latencies, 0.5), 3),
          p99_added_ms: round(quantile(actor.latencies, 0.99) - quantile(baseline.latencies, 0.99), 3),
          p50_ms: round(quantile(actor.latencies, 0.5), 3),
          p99_ms: round(quantile(actor.latencies, 0.99), 3),
          notes: `${MESSAGES} msgs of ~450 B with ${WINDOW} publishes in flight, after ${WARMUP} warm-up msgs each, raw and typed taking turns (${ROUNDS} rounds); latency over ${LATENCY_SAMPLES} sequential round trips; file store`,
        },
      ];
    } finally {
      await server.stop();
      await telemetry.shutdown();
    }
  },
};
