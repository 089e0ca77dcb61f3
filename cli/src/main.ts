/**
 * The `oo` command. Each subcommand's module is imported when it runs, not here: `up` and `actor`
 * load every actor, and `oo request list` in a script should not wait for them.
 */
import { OoError } from '@oo/contracts';
import { Command } from 'commander';
import { actorNames } from './actor-registry.js';
import { printable } from './terminal-text.js';

/** Every command's `--data`: the installation's data folder, as `oo actor` reads it (OO_DATA_DIR). */
const DATA_DIR = process.env.OO_DATA_DIR || '.oo';
/** The `--data` of commands that read the installation's NATS (status, dlq). */
const NATS_DATA_OPTION = ['--data <dir>', 'folder of a running `oo up`, to find its NATS', DATA_DIR] as const;

const program = new Command()
  .name('oo')
  .description('OO, the Orchestrator of Orchestrators')
  .showHelpAfterError();

program
  .command('up')
  .description('start the whole system in one process on embedded defaults')
  .option('--data <dir>', 'folder for all state (NATS data, up.json, ...)', DATA_DIR)
  .option('--no-install', 'do not install a missing nats-server with apt-get')
  .action(async (opts: { data: string; install: boolean }) => (await import('./commands/up.js')).up(opts));

program
  .command('status')
  .description('print the actor instances alive now (presence), each with its last error')
  .option('--json', 'the entries as JSON (GET /v1/presence), instead of a table')
  .option(...NATS_DATA_OPTION)
  .action(async (opts: { data: string; json?: boolean }) =>
    (await import('./commands/status.js')).status(opts),
  );

program
  .command('actor <name>')
  .description(`run one actor alone (${actorNames().join(', ') || 'none yet'})`)
  .action(async (name: string) => (await import('./commands/actor.js')).actor(name));

program
  .command('token')
  .description('API and service tokens')
  .command('create')
  .description('create an API token (printed once), or with --nats a signed token for publishing on NATS')
  .requiredOption('--role <role>', 'requester, operator, admin or service')
  .requiredOption('--name <name>', 'who or what the token is for (a user or service name)')
  .option('--nats', 'mint a signed principal token for the oo-principal header instead')
  .option('--days <n>', 'lifetime of a --nats token in days', '365')
  .option('--data <dir>', 'data folder of the installation', DATA_DIR)
  .action(async (opts: { role: string; name: string; nats?: boolean; days: string; data: string }) =>
    (await import('./commands/token.js')).createToken(opts),
  );

const request = program
  .command('request')
  .description(
    'submit, follow, read, list, cancel and rerun requests through the gateway (OO_GATEWAY_URL and OO_TOKEN, ' +
      'else the running `oo up`); JSON on stdout; exit 0 done, 1 error, 3 the request ended otherwise',
  );
/** The options every request subcommand shares; --wait ones for those that can follow a request. */
const gatewayOption = (c: Command) => c.option('--data <dir>', 'folder of a running `oo up`', DATA_DIR);
const followOptions = (c: Command) =>
  c
    .option('--timeout <seconds>', 'give up waiting after this long', '3600')
    .option('--quiet', 'tell no steps on stderr, print only the ended request');
const waitOptions = (c: Command) =>
  followOptions(c).option(
    '--wait',
    'follow the request to its end, telling each step on stderr, then print it',
  );
const requests = () => import('./commands/request.js');
const run = async (action: Promise<number>) => {
  process.exitCode = await action;
};

waitOptions(
  gatewayOption(
    request
      .command('submit <file>')
      .description('submit the request body in <file> (JSON; - for stdin), as POST /v1/requests takes it')
      .option('--idempotency-key <key>', 'the same key and body within 24 h submit nothing new'),
  ),
).action(async (file: string, opts) => run((await requests()).submitRequest(file, opts)));

gatewayOption(
  request.command('show <requestId>').description('print a request with its runs, tasks and commits'),
).action(async (id: string, opts) => run((await requests()).showRequest(id, opts)));

followOptions(
  gatewayOption(
    request.command('wait <requestId>').description('follow a request to its end, then print it'),
  ),
).action(async (id: string, opts) => run((await requests()).waitRequest(id, opts)));

gatewayOption(
  request
    .command('list')
    .description('list requests, newest first (a requester sees their own)')
    .option('--status <status>', 'only those with this status')
    .option('--mine', 'only those the token submitted')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'the page as JSON instead of a table'),
).action(async (opts) => run((await requests()).listRequests(opts)));

waitOptions(
  gatewayOption(
    request
      .command('cancel <requestId>')
      .description('cancel a request in progress (its runs, children and running tasks)')
      .option('--reason <text>', 'why, for the audit trail'),
  ),
).action(async (id: string, opts) => run((await requests()).cancelRequest(id, opts)));

waitOptions(
  gatewayOption(
    request
      .command('rerun <requestId>')
      .description('rerun an ended request: a new request id in the same trace')
      .requiredOption('--mode <mode>', 'resume (keep what succeeded) or restart')
      .option('--body <file>', 'an edited request body (JSON), validated again'),
  ),
).action(async (id: string, opts) => run((await requests()).rerunRequest(id, opts)));

const dlq = program
  .command('dlq')
  .description(
    'the dead letters: messages an actor could not handle, each with the reason (NATS_URL, else `oo up`)',
  );
const deadLetters = () => import('./commands/dlq.js');
dlq
  .command('list')
  .description('list dead letters, oldest first')
  .option('--actor <name>', "only this actor's")
  .option('--since <when>', 'only those since then: 30m, 24h, 7d, or a time (ISO 8601)')
  .option('--after <seq>', 'only those after this sequence (to page on)')
  .option('--limit <n>', 'how many', '50')
  .option('--json', 'the letters whole, as JSON, instead of a table')
  .option(...NATS_DATA_OPTION)
  .action(async (opts) => run((await deadLetters()).listDeadLetters(opts)));
dlq
  .command('show <seq>')
  .description('print one dead letter whole: where it came from, its headers and body, and why')
  .option(...NATS_DATA_OPTION)
  .action(async (seq: string, opts) => run((await deadLetters()).showDeadLetter(seq, opts)));
/** Which letters `replay` and `discard` act on: sequences, or an actor's (since a time). */
const letterSelection = (c: Command) =>
  c
    .option('--actor <name>', "all of this actor's letters, instead of sequences")
    .option('--since <when>', 'with --actor: only those since then: 30m, 24h, 7d, or a time')
    .option('--limit <n>', 'with --actor: at most this many', '1000')
    .option('--json', 'what happened to each letter, as JSON')
    .option(...NATS_DATA_OPTION);
letterSelection(
  dlq
    .command('replay [seq...]')
    .description(
      'send dead letters again once their cause is fixed, and take them out of the dead letters (a command acting as its caller cannot be)',
    ),
).action(async (seqs: string[], opts) => run((await deadLetters()).replayDeadLetters(seqs, opts)));
letterSelection(
  dlq
    .command('discard [seq...]')
    .description('take dead letters out without sending their messages again (judged not worth sending)'),
).action(async (seqs: string[], opts) => run((await deadLetters()).discardDeadLetters(seqs, opts)));

program
  .command('ledger')
  .description('the read model PostgreSQL holds')
  .command('rebuild')
  .description('empty the projected tables and fold the retained event stream into them again')
  .option('--data <dir>', 'data folder of the installation', DATA_DIR)
  .option('--timeout <minutes>', 'give up when the replay has not caught up by then', '30')
  .action(async (opts: { data: string; timeout: string }) =>
    (await import('./commands/ledger.js')).ledgerRebuild({ data: opts.data, timeoutMinutes: opts.timeout }),
  );

const templates = program.command('templates').description('work with workflow templates');
const templateCommands = () => import('./commands/templates.js');
gatewayOption(
  templates
    .command('list')
    .description(
      'list the templates the engine loads, every version (through the gateway: OO_GATEWAY_URL and OO_TOKEN, else the running `oo up`)',
    )
    .option('--json', 'the list as JSON instead of a table'),
).action(async (opts) => run((await templateCommands()).listTemplates(opts)));
templates
  .command('validate [dir]')
  .description('check every template in a folder as the engine does when it loads them')
  .action(async (dir: string | undefined) => {
    process.exitCode = (await templateCommands()).validateTemplates(dir ?? 'templates');
  });
templates
  .command('run <name>')
  .description(
    'start a run of a template the engine loaded, without a request, and follow it and its child runs to the end ' +
      '(NATS_URL, else `oo up`); the ended run as JSON on stdout; exit 0 succeeded, 1 error, 3 ended otherwise, 130 Ctrl-C (the run goes on)',
  )
  .option('--input <file>', "the run's input, a JSON file (- for stdin); {} when absent")
  .option('--version <n>', 'run this version of the template; the newest loaded when absent')
  .option('--no-wait', "print the run's ids once the engine has the start, and follow nothing")
  .option('--timeout <seconds>', 'give up following after this long (the run goes on)', '3600')
  .option('--quiet', 'tell no steps on stderr, print only the ended run')
  .option(...NATS_DATA_OPTION)
  .action(async (name: string, opts) => run((await templateCommands()).runTemplate(name, opts)));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const message =
    // An OoError may quote what a server answered: shown line by line, its control characters escaped.
    err instanceof OoError
      ? `${err.code}: ${err.message}`.split('\n').map(printable).join('\n')
      : ((err as Error).stack ?? String(err));
  process.stderr.write(`oo: ${message}\n`);
  process.exit(1);
}
