/**
 * Configuration: one JSON file plus environment overrides, validated with zod at start. A wrong
 * value fails with the key, where it came from, and the rule it broke.
 *
 * Overrides: the well-known variables in `ENV_KEYS` (NATS_URL, ...), and any key by path as
 * `OO__<section>__<key>=value` (value parsed as JSON when it parses, else taken as a string).
 */
import { existsSync, readFileSync } from 'node:fs';
import { OoError, OUTPUT_INLINE_MAX_BYTES } from '@oo/contracts';
import { z } from 'zod';

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const RuntimeConfig = z
  .object({
    nats: z
      .object({
        /** One server, or several separated by commas (the nodes of a cluster). */
        url: z.string().default('nats://127.0.0.1:4222'),
        /**
         * Copies JetStream keeps of every stream, bucket and object store: 1 on a single server, 3 on
         * a 3-node cluster (any one node may fail). Raising it later adds copies to what exists;
         * provisioning never removes copies (an instance configured with fewer leaves them).
         */
        replicas: z.number().int().min(1).max(5).default(1),
        /** Path to a .creds file (JWT + nkey seed). */
        credsFile: z.string().optional(),
        /** User and password, for servers that list their users (deploy/nats/auth.conf). */
        user: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
        tls: z
          .object({
            caFile: z.string().optional(),
            certFile: z.string().optional(),
            keyFile: z.string().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .refine((nats) => nats.password === undefined || nats.user !== undefined, {
        message: 'a password needs nats.user (NATS_USER) beside it',
        path: ['password'],
      })
      .default({ url: 'nats://127.0.0.1:4222', replicas: 1 }),
    log: z
      .object({ level: LogLevel.default('info') })
      .strict()
      .default({ level: 'info' }),
    telemetry: z
      .object({ otlpEndpoint: z.url().optional(), serviceName: z.string().min(1).default('oo') })
      .strict()
      .default({ serviceName: 'oo' }),
    auth: z
      .object({
        /** HMAC key (>= 32 chars) that signs principal tokens; `oo up` generates one into its data folder. */
        secret: z.string().min(32, 'must be at least 32 characters').optional(),
        /** Lifetime of the principal tokens the gateway mints (s). */
        principalTtlSeconds: z.number().int().min(1).max(86_400).default(300),
        /** Clock skew tolerated when an entry point checks a token's times (s). */
        clockSkewSeconds: z.number().int().min(0).max(600).default(30),
      })
      .strict()
      .prefault({}),
    outputs: z
      .object({
        /**
         * Task and run outputs whose JSON is larger than this (bytes) are written to the `outputs`
         * object store and travel as an OutputRef; smaller ones travel inline. Below NATS's 1 MiB
         * max payload with room for the rest of the message.
         */
        inlineMaxBytes: z
          .number()
          .int()
          .min(1_024)
          .max(512 * 1_024)
          .default(OUTPUT_INLINE_MAX_BYTES),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        /** Serve Prometheus metrics at http://<host>:<port>/metrics; off when absent (0 = any free port). */
        port: z.number().int().min(0).max(65_535).optional(),
        /** Interface to listen on; loopback unless a scraper on another machine needs it. */
        host: z.string().min(1).default('127.0.0.1'),
      })
      .strict()
      .prefault({}),
    /** Folder for state kept outside NATS (`oo up` data, mail drops, git repositories). */
    dataDir: z.string().min(1).default('.oo'),
    /** How long a stopping actor lets in-flight handlers finish before handing them back (ms). */
    drainTimeoutMs: z.number().int().positive().max(300_000).default(10_000),
  })
  .strict();
export type RuntimeConfig = z.infer<typeof RuntimeConfig>;

/** Environment variables with a name of their own, and the config key each sets. */
export const ENV_KEYS: Readonly<Record<string, string>> = {
  NATS_URL: 'nats.url',
  NATS_REPLICAS: 'nats.replicas',
  NATS_CREDS: 'nats.credsFile',
  NATS_USER: 'nats.user',
  NATS_PASSWORD: 'nats.password',
  NATS_TLS_CA: 'nats.tls.caFile',
  NATS_TLS_CERT: 'nats.tls.certFile',
  NATS_TLS_KEY: 'nats.tls.keyFile',
  OO_LOG_LEVEL: 'log.level',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'telemetry.otlpEndpoint',
  OTEL_SERVICE_NAME: 'telemetry.serviceName',
  OO_DATA_DIR: 'dataDir',
  OO_METRICS_PORT: 'metrics.port',
  OO_METRICS_HOST: 'metrics.host',
  OO_AUTH_SECRET: 'auth.secret',
};

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

function parseEnvValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export interface LoadConfigOptions {
  /** JSON file to read; defaults to $OO_CONFIG, else ./oo.config.json when it exists. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra named variables for this schema (name -> dotted key). */
  envKeys?: Readonly<Record<string, string>>;
}

/** Reads, merges and validates configuration; throws OO_ERR_CONFIG_INVALID naming every bad key. */
export function loadConfig<S extends z.ZodType>(schema: S, options: LoadConfigOptions = {}): z.output<S> {
  const env = options.env ?? process.env;
  const file = options.file ?? env.OO_CONFIG ?? (existsSync('oo.config.json') ? 'oo.config.json' : undefined);
  let raw: Record<string, unknown> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new OoError(
        'OO_ERR_CONFIG_INVALID',
        `config file ${file} cannot be read: ${(err as Error).message}`,
      );
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new OoError(
        'OO_ERR_CONFIG_INVALID',
        `config file ${file} is not valid JSON: ${(err as Error).message}`,
      );
    }
  }
  const origin = new Map<string, string>();
  const named = { ...ENV_KEYS, ...options.envKeys };
  for (const [name, key] of Object.entries(named)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, key.split('.'), parseEnvValue(value));
    origin.set(key, `env ${name}`);
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('OO__') || value === undefined) continue;
    const key = name.slice(4).split('__');
    setPath(raw, key, parseEnvValue(value));
    origin.set(key.join('.'), `env ${name}`);
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  // A value's own origin, else the nearest enclosing one's: an element of a list set by a variable
  // came from that variable.
  const originOf = (path: readonly PropertyKey[]) => {
    for (let n = path.length; n > 0; n--) {
      const from = origin.get(path.slice(0, n).join('.'));
      if (from !== undefined) return from;
    }
    // A rule over a section (an unknown key, two keys that go together) comes from the variables
    // that set keys inside it, the nearest section holding any: not from the defaults.
    for (let n = path.length; n > 0; n--) {
      const prefix = `${path.slice(0, n).join('.')}.`;
      const inside = [...origin].filter(([key]) => key.startsWith(prefix)).map(([, from]) => from);
      if (inside.length > 0) return [...inside, ...(file ? [`file ${file}`] : [])].join(', ');
    }
    return file ? `file ${file}` : 'defaults';
  };
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(root)';
    const from = originOf(
      issue.code === 'unrecognized_keys' && issue.keys.length === 1
        ? [...issue.path, issue.keys[0] as string]
        : issue.path,
    );
    const unknown = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return { key, from, rule: `${issue.message}${unknown}` };
  });
  throw new OoError(
    'OO_ERR_CONFIG_INVALID',
    `invalid configuration: ${problems.map((p) => `${p.key}: ${p.rule} [${p.from}]`).join('; ')}`,
    { details: { problems } },
  );
}
