/**
 * The local backend: runs a real `ansible-playbook` (spawned, no shell) against `localhost,` with
 * `-c local`, extra vars from a private temp file, and streams its output line by line.
 *
 * Output uses ansible's `default` stdout callback, not `json`: the json callback is not in
 * ansible-core (it is `ansible.posix.json`, from Debian's `ansible` package) and it prints one
 * document at the very end, so there would be nothing to stream. Colour is off, Python unbuffered.
 *
 * Exit codes (ansible-core 2.14): 0 successful; 2 a host failed; 4 a host was unreachable — or the
 * playbook did not parse, told apart by the PLAY RECAP line; anything else (1 file not found,
 * 5 bad options, 99 interrupted, 250 crash, a signal) is `error`.
 */
import { spawn } from 'node:child_process';
import { OoError } from '@oo/contracts';
import { createLineTail } from './line-tail.js';
import { groupGone, signalGroup } from './process-group.js';
import { createRunFolder, type RunFolder } from './run-folder.js';

export type PlaybookStatus = 'successful' | 'failed' | 'unreachable' | 'error';

export interface PlaybookRunOptions {
  /** Path of the playbook. */
  playbook: string;
  extraVars?: Record<string, unknown>;
  /** Inventory argument (default `localhost,`, an inline list of one host). */
  inventory?: string;
  /** Connection plugin (default `local`). */
  connection?: string;
  limit?: string;
  /** Dry run (`--check`). */
  check?: boolean;
  /** The binary (default `ansible-playbook` from PATH). */
  ansiblePlaybook?: string;
  cwd?: string;
  /** Added to the inherited environment and the runner's ANSIBLE_* settings (wins over both). */
  env?: Record<string, string>;
  /** Each stdout line as it is printed, without its newline. A throw aborts the run with that error. */
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Aborting kills the whole process group (SIGTERM, then SIGKILL after `killGraceMs`). */
  signal?: AbortSignal;
  /** Ms between SIGTERM and SIGKILL on abort (default 5,000). */
  killGraceMs?: number;
  /** Lines kept in `stdoutTail` / `stderrTail` (default 40). */
  tailLines?: number;
}

export interface PlaybookRunResult {
  status: PlaybookStatus;
  /** null when the process ended by a signal. */
  exitCode: number | null;
  /** The last lines of stdout (the PLAY RECAP among them on a normal end). */
  stdoutTail: string;
  /** The last lines of stderr (where `ERROR! ...` goes when ansible stops before running). */
  stderrTail: string;
  durationMs: number;
}

const ANSIBLE_ENV: Record<string, string> = {
  ANSIBLE_STDOUT_CALLBACK: 'default',
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_FORCE_COLOR: '0',
  ANSIBLE_HOST_KEY_CHECKING: 'False',
  ANSIBLE_RETRY_FILES_ENABLED: 'False',
  ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
  ANSIBLE_LOCALHOST_WARNING: 'False',
  ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False',
  PYTHONUNBUFFERED: '1',
};

/** How long an abort waits for the killed group's processes to be gone (ms). */
const GROUP_GONE_WAIT_MS = 2_000;

/**
 * Runs the playbook to its end and resolves with how it ended; a failed playbook resolves too
 * (status `failed` / `unreachable` / `error`). Rejects with OO_ERR_AWX_LOCAL_ANSIBLE_UNAVAILABLE when
 * the binary cannot be started, and with OO_ERR_CANCELLED once an aborted run's processes are gone.
 * The run folder (extra-vars file, ansible's temp files) is removed in every case.
 */
export async function runPlaybook(options: PlaybookRunOptions): Promise<PlaybookRunResult> {
  if (options.signal?.aborted)
    throw new OoError('OO_ERR_CANCELLED', 'playbook run cancelled before it started');
  const folder = await createRunFolder(options.extraVars ?? {});
  try {
    return await spawnPlaybook(options, folder);
  } finally {
    await folder.remove();
  }
}

function spawnPlaybook(options: PlaybookRunOptions, folder: RunFolder): Promise<PlaybookRunResult> {
  const bin = options.ansiblePlaybook ?? 'ansible-playbook';
  const connection = options.connection ?? 'local';
  const args = [
    options.playbook,
    '-i',
    options.inventory ?? 'localhost,',
    '-c',
    connection,
    '--extra-vars',
    `@${folder.extraVarsPath}`,
    ...(options.limit === undefined ? [] : ['--limit', options.limit]),
    ...(options.check ? ['--check'] : []),
  ];
  const started = performance.now();
  const keep = options.tailLines ?? 40;

  return new Promise((resolve, reject) => {
    // A throwing line callback stops the run and becomes its error, rather than an uncaught throw.
    let callbackError: unknown;
    const guard = (callback: ((line: string) => void) | undefined) =>
      callback === undefined
        ? undefined
        : (line: string) => {
            try {
              callback(line);
            } catch (error) {
              if (callbackError === undefined) {
                callbackError = error;
                onAbort();
              }
            }
          };
    const stdout = createLineTail(guard(options.onStdoutLine), keep);
    const stderr = createLineTail(guard(options.onStderrLine), keep);

    // Its own process group, so an abort also reaches the workers and the commands they run.
    const child = spawn(bin, args, {
      cwd: options.cwd,
      env: { ...process.env, ...ANSIBLE_ENV, ...tempEnv(folder, connection), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid !== undefined) signalGroup(child.pid, sig);
    };
    const onAbort = () => {
      aborted = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? 5_000);
      killTimer.unref();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    child.once('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(
        new OoError(
          'OO_ERR_AWX_LOCAL_ANSIBLE_UNAVAILABLE',
          `cannot start ${bin} (${error.code ?? error.message}): install ansible-core (apt-get install -y ansible-core)`,
          { details: { binary: bin, code: error.code }, cause: error },
        ),
      );
    });

    child.once('close', async (exitCode, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      // The group may outlive the leader (a worker's command); do not leave it behind, and say the
      // run is over only once its processes are.
      if (aborted && child.pid !== undefined) {
        killGroup('SIGKILL');
        await groupGone(child.pid, GROUP_GONE_WAIT_MS);
      }
      stdout.end();
      stderr.end();
      const durationMs = Math.round(performance.now() - started);
      if (callbackError !== undefined) {
        reject(callbackError);
        return;
      }
      if (aborted) {
        reject(
          new OoError('OO_ERR_CANCELLED', `ansible-playbook ${options.playbook} was aborted`, {
            details: { pid: child.pid, exitCode, signal, stdoutTail: stdout.text() },
          }),
        );
        return;
      }
      const stdoutTail = stdout.text();
      resolve({
        status: statusOf(exitCode, stdoutTail),
        exitCode,
        stdoutTail,
        stderrTail: stderr.text(),
        durationMs,
      });
    });
  });
}

/** Ansible's temp files go to the run folder; the remote one too when "remote" is this machine. */
function tempEnv(folder: RunFolder, connection: string): Record<string, string> {
  return {
    TMPDIR: folder.tempPath,
    ANSIBLE_LOCAL_TEMP: folder.tempPath,
    ...(connection === 'local' ? { ANSIBLE_REMOTE_TMP: folder.tempPath } : {}),
  };
}

/** Exit code to status; 4 is `unreachable` only when the recap shows an unreachable host. */
export function statusOf(exitCode: number | null, stdoutTail: string): PlaybookStatus {
  if (exitCode === 0) return 'successful';
  if (exitCode === 2) return 'failed';
  if (exitCode === 4) return /\bunreachable=[1-9]/.test(stdoutTail) ? 'unreachable' : 'error';
  return 'error';
}
