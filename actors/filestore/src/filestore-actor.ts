/**
 * The filestore actor: HTTP PUT/GET/HEAD of files kept in the JetStream Object Store `files`, with
 * content hashes. It consumes no subjects; the server starts in `setup` and closes in `stop`, after
 * in-flight requests finish.
 */
import { ObjectStoreNames, OoError } from '@oo/contracts';
import { defineActor, principalTokens } from '@oo/runtime';
import { z } from 'zod';
import { buildHttpServer } from './http-server.js';

const MIB = 1024 * 1024;

export const FilestoreOptions = z
  .object({
    /** 0 picks a free port (tests); see `onListening`. */
    port: z.number().int().min(0).max(65_535),
    host: z.string().min(1).default('127.0.0.1'),
    /** Largest file accepted (bytes); larger bodies get 413. */
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(10 * MIB),
    /** Called with the base URL once the server listens (`http://host:port`). */
    onListening: z.custom<(url: string) => void>((v) => typeof v === 'function').optional(),
  })
  .strict();
export type FilestoreOptions = z.input<typeof FilestoreOptions>;

/** @throws OoError OO_ERR_CONFIG_INVALID for bad options (at once) or a missing auth.secret (at start) */
export function filestoreActor(options: FilestoreOptions) {
  const parsed = FilestoreOptions.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `filestore.${i.path.join('.')}: ${i.message}`);
    throw new OoError('OO_ERR_CONFIG_INVALID', `invalid filestore options: ${problems.join('; ')}`);
  }
  const { port, host, maxBytes, onListening } = parsed.data;
  return defineActor({
    name: 'filestore',
    version: '0.1.0',
    description: 'HTTP upload and download of files in the Object Store, with SHA-256 hashes',
    async setup(env) {
      const secret = env.config.auth.secret;
      if (!secret) {
        throw new OoError('OO_ERR_CONFIG_INVALID', 'auth.secret is required: the filestore verifies callers');
      }
      const app = await buildHttpServer({
        files: await env.objects(ObjectStoreNames.files),
        maxBytes,
        tokens: principalTokens(secret),
        log: env.log.child({ component: 'http' }),
      });
      await app.listen({ port, host });
      const address = app.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
      env.log.info({ url }, 'filestore listening');
      onListening?.(url);
      return { stop: () => app.close() };
    },
  });
}
