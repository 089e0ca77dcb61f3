/**
 * `oo token create`: an API token for the HTTP API (stored hashed in the read model; the secret
 * is printed once), or with `--nats` a signed principal token for machines that publish requests
 * straight onto NATS (`oo-principal` header).
 */
import { join, resolve } from 'node:path';
import { OoError, Role } from '@oo/contracts';
import { principalTokens } from '@oo/runtime';
import { ensureAuthSecret } from '../auth-secret.js';
import { loadOoConfig } from '../oo-config.js';
import { openCommandReadModel } from '../read-model-access.js';

export interface TokenOptions {
  role: string;
  name: string;
  nats?: boolean;
  days: string;
  data: string;
}

export async function createToken(options: TokenOptions): Promise<void> {
  const role = Role.safeParse(options.role);
  if (!role.success) {
    throw new OoError('OO_ERR_CONFIG_INVALID', `--role must be one of ${Role.options.join(', ')}`);
  }
  const dataDir = resolve(options.data);
  const config = loadOoConfig(dataDir);
  if (options.nats) {
    const days = Number(options.days);
    if (!Number.isInteger(days) || days < 1 || days > 3_650) {
      throw new OoError('OO_ERR_CONFIG_INVALID', '--days must be a whole number from 1 to 3650');
    }
    if (!config.auth.secret) {
      // Signed with the secret `oo up --data <dir>` uses: no actor of a deployment (OO_AUTH_SECRET) accepts it.
      process.stderr.write(
        `oo: no auth.secret (OO_AUTH_SECRET) set: signed with ${join(dataDir, 'auth.secret')}, the secret of \`oo up --data ${options.data}\` only; ` +
          'for a deployment, run this with its environment (OO_AUTH_SECRET)\n',
      );
    }
    const secret = ensureAuthSecret(dataDir, config.auth.secret);
    const token = await principalTokens(secret).mint({ sub: options.name, role: role.data }, days * 86_400);
    process.stdout.write(`${token}\n`);
    return;
  }
  const readModel = await openCommandReadModel(config, dataDir);
  try {
    const created = await readModel.createToken({ name: options.name, role: role.data });
    if (!config.database.url) {
      // Kept where only an `oo up` on this folder looks: a deployment's gateway would refuse it.
      process.stderr.write(
        `oo: no database.url (DATABASE_URL) set: token stored in the embedded database in ${join(dataDir, 'pglite')}, ` +
          `for \`oo up --data ${options.data}\` only; for a deployment, run this with its environment (DATABASE_URL)\n`,
      );
    }
    process.stdout.write(`${created.secret}\n`);
  } finally {
    await readModel.close();
  }
}
