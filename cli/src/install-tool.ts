/**
 * `oo up` installs what it needs: on a Debian machine without nats-server (or git, which the rfm
 * actor commits resource files with), as root, it runs `apt-get install -y <package>` (after
 * `apt-get update` when the package lists are stale) and says so. Elsewhere, or with
 * `--no-install`, it stops with the command to run.
 */
import { spawnSync } from 'node:child_process';
import { type ErrorCode, OoError } from '@oo/contracts';
import { findOnPath } from './find-binary.js';

/** A program `oo up` runs or has its actors run, and the Debian package that brings it. */
export interface DebianTool {
  readonly binary: string;
  readonly pkg: string;
  readonly code: ErrorCode;
  /** What to tell when it is missing and not installed. */
  readonly missing: string;
}

export const NATS_SERVER: DebianTool = {
  binary: 'nats-server',
  pkg: 'nats-server',
  code: 'OO_ERR_NATS_SERVER_MISSING',
  missing:
    'nats-server was not found on PATH. Install it with `apt-get install nats-server` (Debian), or set NATS_URL to a running server.',
};

export const GIT: DebianTool = {
  binary: 'git',
  pkg: 'git',
  code: 'OO_ERR_RFM_GIT_MISSING',
  missing:
    'git was not found on PATH; the rfm actor commits resource files with it. Install it with `apt-get install git` (Debian).',
};

function aptGet(apt: string, args: string[], say: (line: string) => void): boolean {
  say(`running ${apt} ${args.join(' ')}`);
  const result = spawnSync(apt, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

/**
 * The tool's binary, installed first when missing and allowed.
 * @throws OoError the tool's code when it is missing and cannot be installed here
 */
export function toolBinary(
  tool: DebianTool,
  options: { install: boolean; say: (line: string) => void },
): string {
  const found = findOnPath(tool.binary);
  if (found) return found;
  const apt = findOnPath('apt-get');
  const root = process.getuid?.() === 0;
  if (!options.install || !apt || !root) {
    const why = !options.install ? '' : !apt ? ' (no apt-get here)' : ' (not root, so not installed for you)';
    throw new OoError(tool.code, `${tool.missing}${why}`);
  }
  const install = ['install', '-y', tool.pkg];
  const installed =
    aptGet(apt, install, options.say) ||
    (aptGet(apt, ['update'], options.say) && aptGet(apt, install, options.say));
  const bin = installed ? findOnPath(tool.binary) : undefined;
  if (!bin) throw new OoError(tool.code, `${tool.missing} (apt-get install ${tool.pkg} failed)`);
  return bin;
}
