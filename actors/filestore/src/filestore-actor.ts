/**
 * The filestore actor: HTTP PUT/GET/HEAD of files kept in the JetStream Object Store `files`, with
 * content hashes, and the retention of uploads. It consumes no subjects; the server starts in
 * `setup` and closes in `stop`, after in-flight requests finish.
 */
import { issuesText, KEEP_ENDED_REQUESTS_MS, ObjectStoreNames, OoError, schemaIssues } from '@oo/contracts';
import { defineActor, listenNamingKeys, principalTokens } from '@oo/runtime';
import { z } from 'zod';
import { startUploadRetention } from './upload-retention.js';

const MIB = 1024 * 1024;
const HOUR_MS = 60 * 60_000;

/** The filestore's timings where its options leave them out; `oo`'s config defaults to the same. */
export const FILESTORE_DEFAULTS = {
  /**
   * 30 days, as long as an ended request's record, its run, its events and large outputs are kept:
   * a file uploaded for a request stays readable through the request and a rerun soon after it,
   * and the store holds about a month of uploads, not every one ever. An upload is not tied to a
   * request (any caller may PUT), so its age is all there is to go by.
   */
  keepUploadsMs: KEEP_ENDED_REQUESTS_MS,
  retentionIntervalMs: HOUR_MS,
} as const;

/** How long an upload is kept after it was last written (ms): the option here and `oo`'s config key. */
export const KeepUploadsMs = z
  .number()
  .int()
  .min(HOUR_MS, 'must be at least an hour (3600000), so an upload outlives the request it was made for')
  .default(FILESTORE_DEFAULTS.keepUploadsMs);

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
    /** How long an upload (a file outside `requests/`) is kept after it was last written (ms). */
    keepUploadsMs: KeepUploadsMs,
    /** How often to look for uploads to remove (ms); the first look is a minute after start. */
    retentionIntervalMs: z.number().int().positive().default(FILESTORE_DEFAULTS.retentionIntervalMs),
    /** Called with the base URL once the server listens (`http://host:port`). */
    onListening: z.custom<(url: string) => void>((v) => typeof v === 'function').optional(),
  })
  .strict();
export type FilestoreOptions = z.input<typeof FilestoreOptions>;

/** @throws OoError OO_ERR_CONFIG_INVALID for bad options (at once) or a missing auth.secret (at start) */
export function filestoreActor(options: FilestoreOptions) {
  const parsed = FilestoreOptions.safeParse(options);
  if (!parsed.success) {
    const issues = schemaIssues(parsed.error, ['filestore']);
    throw new OoError('OO_ERR_CONFIG_INVALID', `invalid filestore options: ${issuesText(issues)}`, {
      details: { issues },
    });
  }
  const { port, host, maxBytes, keepUploadsMs, retentionIntervalMs, onListening } = parsed.data;
  return defineActor({
    name: 'filestore',
    version: '0.1.0',
    description: 'HTTP upload and download of files in the Object Store, with SHA-256 hashes',
    async setup(env) {
      const secret = env.config.auth.secret;
      if (!secret) {
        throw new OoError('OO_ERR_CONFIG_INVALID', 'auth.secret is required: the filestore verifies callers');
      }
      // Loaded here, not with the options: `oo`'s config reads KeepUploadsMs without the HTTP stack.
      const { buildHttpServer } = await import('./http-server.js');
      const files = await env.objects(ObjectStoreNames.files);
      const app = await buildHttpServer({
        files,
        maxBytes,
        tokens: principalTokens(secret),
        log: env.log.child({ component: 'http' }),
      });
      const url = await listenNamingKeys(
        app,
        { host, port },
        'the filestore',
        'filestore.host, filestore.port / OO_FILESTORE_PORT',
      );
      env.log.info({ url }, 'filestore listening');
      onListening?.(url);
      const retention = startUploadRetention({
        files,
        log: env.log,
        clock: env.clock,
        report: env.reportError,
        keepMs: keepUploadsMs,
        intervalMs: retentionIntervalMs,
      });
      return {
        async stop() {
          await retention.stop();
          await app.close();
        },
      };
    },
  });
}
