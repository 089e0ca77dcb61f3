/**
 * `oo templates list`: the templates the engine loads, every version, as the gateway lists them.
 * `oo templates validate [dir]`: the engine's load-time checks over a folder of templates.
 * `oo templates run <name>`: a run of a loaded template started straight on the engine, without a
 * request, and followed with its child runs to the end: what a template author does to try one.
 * Exit codes of `run` as `oo request`'s: 0 the run succeeded, 1 an error, 3 it ended otherwise; and
 * 130 when Ctrl-C stopped the following (the run goes on).
 */
import { EngineSubjects, isOutputRef, newId, ObjectStoreNames, OoError, type RunEvent } from '@oo/contracts';
import { formatProblem, loadTemplatesDir } from '@oo/engine';
import { createPublisher, type Nats, openObjectFiles, outputValues, startTelemetry } from '@oo/runtime';
import { EXIT_ENDED_OTHERWISE, type Io, json, processIo, readBody, timeoutMs } from '../command-io.js';
import { followRun } from '../follow-run.js';
import { gatewayClient, gatewayTarget } from '../gateway-client.js';
import { withInstallationNats } from '../installation-nats.js';
import { knownTaskTypes } from '../task-catalog.js';
import { textTable } from '../text-table.js';

interface TemplateSummary {
  name: string;
  version: number;
  description?: string | undefined;
}

/** What `oo templates run` can start: the gateway's `GET /v1/templates` (OO_GATEWAY_URL and OO_TOKEN, else `oo up`). */
export async function listTemplates(options: { data: string; json?: boolean }, io: Io = processIo) {
  const gateway = gatewayClient(gatewayTarget(options.data));
  const list = await gateway.call<{ items: TemplateSummary[] }>('GET', '/v1/templates');
  if (options.json) io.out(json(list));
  else if (list.items.length === 0) io.out('no templates loaded\n');
  else {
    const rows = list.items.map((t) => [t.name, String(t.version), t.description ?? '']);
    io.out(`${textTable(['NAME', 'VERSION', 'DESCRIPTION'], rows)}\n`);
  }
  return 0;
}

export function validateTemplates(dir: string): number {
  const { templates, problems } = loadTemplatesDir(dir, knownTaskTypes());
  for (const t of templates)
    process.stdout.write(`ok       ${t.source} (${t.template.name}@${t.template.version})\n`);
  for (const p of problems) process.stdout.write(`invalid  ${formatProblem(p)}\n`);
  process.stdout.write(
    `${templates.length} valid, ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`,
  );
  return problems.length === 0 ? 0 : 1;
}

export interface RunTemplateOptions {
  data: string;
  /** A JSON file with the run's input, `-` for stdin; `{}` when absent. */
  input?: string;
  /** A version to pin, as commander gives it; the newest loaded when absent. */
  version?: string;
  /** False with --no-wait: print the run's ids once the engine has the start, and return. */
  wait: boolean;
  /** Seconds, as commander gives it. */
  timeout: string;
  quiet?: boolean;
}

/** The shell's code for a command stopped by Ctrl-C (128 + SIGINT). */
const EXIT_INTERRUPTED = 130;

/** How long a run may stay silent before the command says that no engine may be there. */
const SILENCE_HINT_MS = 5_000;

function versionOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const version = Number(text);
  if (!Number.isInteger(version) || version < 1) {
    throw new OoError('OO_ERR_CONFIG_INVALID', '--version must be a whole number from 1');
  }
  return version;
}

/**
 * The run's output as a reader wants it: the value itself, read from the `outputs` object store
 * when it was too large to travel inline in the end event.
 */
async function outputOf(nats: Nats, ended: RunEvent, tell: (line: string) => void) {
  if (!isOutputRef(ended.output)) return {};
  const name = ObjectStoreNames.outputs;
  const files = await openObjectFiles(nats, name);
  const read = outputValues(files, (ref) => tell(`the output ${ref.name} is no longer in the ${name} store`));
  return { output: await read(ended.output) };
}

export async function runTemplate(
  name: string,
  options: RunTemplateOptions,
  io: Io = processIo,
): Promise<number> {
  const input = options.input === undefined ? {} : readBody(options.input);
  const version = versionOf(options.version);
  const waitMs = timeoutMs(options.timeout);
  const tell = options.quiet ? () => undefined : (line: string) => io.err(`${line}\n`);
  return withInstallationNats(options.data, 'oo-templates-run', async (nats, _url, config) => {
    const telemetry = startTelemetry({
      serviceName: config.telemetry.serviceName,
      otlpEndpoint: config.telemetry.otlpEndpoint,
    });
    const runId = newId('run');
    let stopFollowing = () => {};
    let silence: NodeJS.Timeout | undefined;
    let timeout: NodeJS.Timeout | undefined;
    let interrupt: () => void = () => {};
    try {
      const follower = options.wait ? await followRun(nats, runId, tell) : undefined;
      if (follower) stopFollowing = follower.stop;
      const publish = createPublisher(nats.publish, telemetry.tracer, `oo-cli/${process.pid}`);
      // The start is validated here as the engine will validate it, so a bad name fails at once.
      const start = { runId, template: name, input, ...(version === undefined ? {} : { version }) };
      const { traceId } = await publish(EngineSubjects.start, start, { ids: { runId } });
      if (!follower) {
        io.out(json({ runId, traceId }));
        return 0;
      }
      tell(`run ${runId} of ${name} sent, trace ${traceId}`);
      silence = setTimeout(() => {
        if (!follower.heard()) tell(`no event of ${runId} yet: is an engine running? (oo status)`);
      }, SILENCE_HINT_MS);
      const timedOut = new Promise<never>((_, reject) => {
        timeout = setTimeout(
          () =>
            reject(
              new OoError(
                'OO_ERR_TIMEOUT',
                `run ${runId} did not end within ${waitMs / 1000} s; it goes on (trace ${traceId})`,
              ),
            ),
          waitMs,
        );
      });
      // Ctrl-C stops following, not the run: say where to find it, and exit as interrupted.
      const interrupted = new Promise<'interrupted'>((resolve) => {
        interrupt = () => resolve('interrupted');
        process.once('SIGINT', interrupt);
      });
      const ended = await Promise.race([follower.ended, timedOut, interrupted]);
      if (ended === 'interrupted') {
        tell(`stopped following: run ${runId} goes on (trace ${traceId})`);
        return EXIT_INTERRUPTED;
      }
      if (ended.error?.code === 'OO_ERR_WORKFLOW_TEMPLATE_NOT_FOUND') {
        // The file may be there and refused: the engine logs why, and the check here tells it too.
        tell(
          `the engine has not loaded ${name}: if its file is in the templates folder, \`oo templates validate <folder>\` tells why it is refused`,
        );
      }
      io.out(json({ ...ended, ...(await outputOf(nats, ended, tell)), traceId }));
      return ended.status === 'succeeded' ? 0 : EXIT_ENDED_OTHERWISE;
    } finally {
      clearTimeout(silence);
      clearTimeout(timeout);
      process.off('SIGINT', interrupt);
      stopFollowing();
      await telemetry.shutdown();
    }
  });
}
