/**
 * gateway.accept: accepted `POST /v1/requests` per second and their p99 latency, beside a bare
 * fastify route answering the same body with 202 in the same run, both driven by autocannon for
 * 20 s with the same connections.
 *
 * The gateway path is the real one: bearer token lookup (read model on in-memory PGlite, with the
 * gateway's default token cache), rate limit, zod validation of the body, a principal token minted
 * (HS256), a span, a validated JetStream publish (file store) awaited for its ack, an audit row, and
 * the 202 serialised through its schema. The bare route parses the JSON and answers a constant.
 * Load generator and servers share this process, as for every benchmark here.
 */
import { createRequire } from 'node:module';
import { EXAMPLE_VM } from '@oo/contracts';
import { type GatewayListening, gatewayActor } from '@oo/gateway';
import { openReadModel } from '@oo/read-model';
import { RuntimeConfig, startActor, startTelemetry } from '@oo/runtime';
import { startNatsServer } from '@oo/test-harness';
import Fastify from 'fastify';
import { pino } from 'pino';
import { type Benchmark, round } from '../bench-result.js';

const DURATION_S = 20;
const CONNECTIONS = 50;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';

const body = JSON.stringify({
  resources: [EXAMPLE_VM],
  catalogItem: 'rhel-vm',
});

/** The part of autocannon's answer read here (the package ships no types). */
interface CannonResult {
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  latency: { p50: number; p99: number };
}
type Cannon = (options: {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  duration: number;
  connections: number;
}) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

async function load(url: string, headers: Record<string, string>): Promise<CannonResult> {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    duration: DURATION_S,
    connections: CONNECTIONS,
  });
}

async function bare(): Promise<CannonResult> {
  const app = Fastify();
  app.post('/v1/requests', async (_request, reply) => reply.code(202).send({ status: 'accepted' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    return await load(`http://127.0.0.1:${port}/v1/requests`, {});
  } finally {
    await app.close();
  }
}

export const gatewayAccept: Benchmark = {
  name: 'gateway.accept',
  async run() {
    const telemetry = startTelemetry({ serviceName: 'oo-bench' });
    const log = pino({ level: 'silent' });
    const server = await startNatsServer();
    const readModel = await openReadModel({ log });
    try {
      const { secret } = await readModel.createToken({ name: 'bench', role: 'service' });
      let listening: GatewayListening | undefined;
      const gateway = await startActor(
        gatewayActor({
          port: 0,
          readModel,
          // The default 600/min would refuse nearly everything: this measures the accept path.
          rateLimitPerMinute: 100_000_000,
          onListening: (l) => {
            listening = l;
          },
        }),
        {
          config: RuntimeConfig.parse({
            nats: { url: server.url },
            log: { level: 'silent' },
            auth: { secret: SECRET },
          }),
          log,
          tracer: telemetry.tracer,
        },
      );
      let accepted: CannonResult;
      try {
        accepted = await load(`${listening!.url}/v1/requests`, { authorization: `Bearer ${secret}` });
      } finally {
        await gateway.stop();
      }
      const baseline = await bare();
      const rate = accepted['2xx'] / accepted.duration;
      const baseRate = baseline['2xx'] / baseline.duration;
      return [
        {
          name: 'gateway.accept',
          value: Math.round(rate),
          unit: 'accepted/s',
          p99_ms: accepted.latency.p99,
          p50_ms: accepted.latency.p50,
          baseline: Math.round(baseRate),
          baseline_p99_ms: baseline.latency.p99,
          ratio: round(rate / baseRate, 3),
          refused: accepted.non2xx + accepted.errors,
          notes: `autocannon ${CONNECTIONS} connections, ${DURATION_S} s each, in-process; PGlite in memory; JetStream file store`,
        },
      ];
    } finally {
      await readModel.close();
      await server.stop();
      await telemetry.shutdown();
    }
  },
};
