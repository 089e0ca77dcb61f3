/** The `oo` command. */
import { OoError } from '@oo/contracts';
import { Command } from 'commander';
import { actorNames } from './actor-registry.js';
import { actor } from './commands/actor.js';
import { ledgerRebuild } from './commands/ledger.js';
import { status } from './commands/status.js';
import { validateTemplates } from './commands/templates.js';
import { createToken } from './commands/token.js';
import { up } from './commands/up.js';

const program = new Command()
  .name('oo')
  .description('OO, the Orchestrator of Orchestrators')
  .showHelpAfterError();

program
  .command('up')
  .description('start the whole system in one process on embedded defaults')
  .option('--data <dir>', 'folder for all state (NATS data, up.json, ...)', '.oo')
  .option('--no-install', 'do not install a missing nats-server with apt-get')
  .action((opts: { data: string; install: boolean }) => up(opts));

program
  .command('status')
  .description('print the actor instances alive now (presence)')
  .option('--data <dir>', 'folder of a running `oo up`, to find its NATS', '.oo')
  .action((opts: { data: string }) => status(opts));

program
  .command('actor <name>')
  .description(`run one actor alone (${actorNames().join(', ') || 'none yet'})`)
  .action((name: string) => actor(name));

program
  .command('token')
  .description('API and service tokens')
  .command('create')
  .description('create an API token (printed once), or with --nats a signed token for publishing on NATS')
  .requiredOption('--role <role>', 'requester, operator, admin or service')
  .requiredOption('--name <name>', 'who or what the token is for (a user or service name)')
  .option('--nats', 'mint a signed principal token for the oo-principal header instead')
  .option('--days <n>', 'lifetime of a --nats token in days', '365')
  .option('--data <dir>', 'data folder of the installation', '.oo')
  .action((opts: { role: string; name: string; nats?: boolean; days: string; data: string }) =>
    createToken(opts),
  );

program
  .command('ledger')
  .description('the read model PostgreSQL holds')
  .command('rebuild')
  .description('empty the projected tables and fold the retained event stream into them again')
  .option('--data <dir>', 'data folder of the installation', '.oo')
  .option('--timeout <minutes>', 'give up when the replay has not caught up by then', '30')
  .action((opts: { data: string; timeout: string }) =>
    ledgerRebuild({ data: opts.data, timeoutMinutes: opts.timeout }),
  );

program
  .command('templates')
  .description('work with workflow templates')
  .command('validate [dir]')
  .description('check every template in a folder as the engine does when it loads them')
  .action((dir: string | undefined) => {
    process.exitCode = validateTemplates(dir ?? 'templates');
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const message =
    err instanceof OoError ? `${err.code}: ${err.message}` : ((err as Error).stack ?? String(err));
  process.stderr.write(`oo: ${message}\n`);
  process.exit(1);
}
