/**
 * Probes, without authentication: `/healthz` answers while the process runs; `/readyz` only while
 * NATS and the read model's database both answer, each within READY_TIMEOUT_MS.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { GatewayDeps } from '../gateway-deps.js';
import { gatewayError } from '../gateway-errors.js';
import { Health, problems, Ready } from '../http-schemas.js';

const READY_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch (err) {
    return `failed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsyncZod<{ deps: GatewayDeps }> = async (app, { deps }) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'The process is up',
        tags: ['operations'],
        security: [],
        response: { 200: Health },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'NATS and the database answer',
        tags: ['operations'],
        security: [],
        response: { 200: Ready, ...problems(503) },
      },
    },
    async () => {
      const [nats, database] = await Promise.all([
        check(deps.natsReady),
        check(() => deps.readModel.db.query('SELECT 1')),
      ]);
      if (nats !== 'ok' || database !== 'ok') {
        throw gatewayError('OO_ERR_HTTP_NOT_READY', 'not ready: see checks', { checks: { nats, database } });
      }
      return { status: 'ready', checks: { nats: 'ok', database: 'ok' } } as const;
    },
  );
};
