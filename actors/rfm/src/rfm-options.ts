/** What the rfm runner is built from, and the shared pieces its tasks use. */

import { join } from 'node:path';
import type { Db } from '@oo/read-model';
import { openReadModel } from '@oo/read-model';
import { type PrincipalTokens, principalTokens } from '@oo/runtime';
import { type Logger, pino } from 'pino';
import type { CommitHooks } from './git-commit.js';
import { type GitRepos, gitRepos } from './git-repos.js';
import { type HandlerRegistry, handlerRegistry } from './handler-registry.js';
import { checkNamePattern, DEFAULT_NAME_PATTERN } from './naming.js';
import type { ResourceHandler } from './policy-types.js';
import { rfmError } from './rfm-errors.js';
import { migrateRfm } from './rfm-migrate.js';

export interface RfmOptions {
  /** State folder (`config.dataDir`): default repositories under `git/`, work clones under `rfm/`. */
  readonly dataDir: string;
  /** `config.auth.secret`: signs the principal token RFM shows the file store. */
  readonly authSecret?: string;
  /** Instead of `authSecret`. */
  readonly tokens?: PrincipalTokens;
  /**
   * An open database: the read model's `db` (from `openReadModel`, so already migrated with the
   * policy tables), shared; not closed by RFM. Takes precedence.
   */
  readonly db?: Db;
  /** PostgreSQL URL RFM opens itself (closed on stop); without it and `db`, PGlite in `<dataDir>/rfm`. */
  readonly databaseUrl?: string;
  /** PostgreSQL schema (search_path) for `databaseUrl`. */
  readonly databaseSchema?: string;
  /** Repository URL per resource type; default a bare repository `<dataDir>/git/<type>.git`. */
  readonly repos?: Readonly<Record<string, string>>;
  /** Resource handlers; default the installed ones (handlers/*). */
  readonly handlers?: readonly ResourceHandler[];
  /** Host name pattern (default `{env}-{os}-{seq:4}`). */
  readonly namePattern?: string;
  readonly hooks?: CommitHooks;
  /** Where opening the database logs. */
  readonly log?: Logger;
  readonly concurrency?: number;
  readonly ackWaitMs?: number;
}

/** What the tasks share: opened lazily on the first task, closed by `close`. */
export interface RfmDeps {
  db(): Promise<Db>;
  readonly tokens: () => PrincipalTokens;
  readonly repos: GitRepos;
  readonly handlers: HandlerRegistry;
  readonly namePattern: string;
  readonly hooks: CommitHooks;
  close(): Promise<void>;
}

export function rfmDeps(options: RfmOptions): RfmDeps {
  const namePattern = options.namePattern ?? DEFAULT_NAME_PATTERN;
  checkNamePattern(namePattern);
  const handlers = handlerRegistry(options.handlers);
  const tokens = options.tokens ?? (options.authSecret ? principalTokens(options.authSecret) : undefined);
  let opened: Promise<{ db: Db; owned: boolean }> | undefined;
  const open = async () => {
    if (options.db) {
      await migrateRfm(options.db);
      return { db: options.db, owned: false };
    }
    const model = await openReadModel({
      log: options.log ?? pino({ level: 'silent' }),
      applicationName: 'oo-rfm',
      ...(options.databaseUrl
        ? {
            databaseUrl: options.databaseUrl,
            ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
          }
        : { dataDir: join(options.dataDir, 'rfm') }),
    });
    await migrateRfm(model.db);
    return { db: model.db, owned: true };
  };
  return {
    async db() {
      opened ??= open().catch((err: unknown) => {
        opened = undefined;
        throw err;
      });
      return (await opened).db;
    },
    tokens() {
      if (!tokens)
        throw rfmError('OO_ERR_RFM_NOT_CONFIGURED', 'rfm needs authSecret (config auth.secret)', {
          key: 'authSecret',
        });
      return tokens;
    },
    repos: gitRepos(options.dataDir, options.repos),
    handlers,
    namePattern,
    hooks: options.hooks ?? {},
    async close() {
      const current = opened;
      opened = undefined;
      const handle = await current?.catch(() => undefined);
      if (handle?.owned) await handle.db.close();
    },
  };
}
