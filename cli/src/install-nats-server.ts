/**
 * `oo up` installs what it needs: on a Debian machine without nats-server, as root, it runs
 * `apt-get install -y nats-server` (after `apt-get update` when the package lists are stale) and
 * says so. Elsewhere, or with `--no-install`, it stops with the command to run.
 */
import { spawnSync } from 'node:child_process';
import { OoError } from '@oo/contracts';
import { findOnPath } from './find-binary.js';

const MISSING =
  'nats-server was not found on PATH. Install it with `apt-get install nats-server` (Debian), or set NATS_URL to a running server.';

function aptGet(apt: string, args: string[], say: (line: string) => void): boolean {
  say(`running ${apt} ${args.join(' ')}`);
  const result = spawnSync(apt, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

/**
 * The nats-server binary, installed first when missing and allowed.
 * @throws OoError OO_ERR_NATS_SERVER_MISSING when it is missing and cannot be installed here
 */
export function natsServerBinary(options: { install: boolean; say: (line: string) => void }): string {
  const found = findOnPath('nats-server');
  if (found) return found;
  const apt = findOnPath('apt-get');
  const root = process.getuid?.() === 0;
  if (!options.install || !apt || !root) {
    const why = !options.install ? '' : !apt ? ' (no apt-get here)' : ' (not root, so not installed for you)';
    throw new OoError('OO_ERR_NATS_SERVER_MISSING', `${MISSING}${why}`);
  }
  const installed =
    aptGet(apt, ['install', '-y', 'nats-server'], options.say) ||
    (aptGet(apt, ['update'], options.say) && aptGet(apt, ['install', '-y', 'nats-server'], options.say));
  const bin = installed ? findOnPath('nats-server') : undefined;
  if (!bin)
    throw new OoError('OO_ERR_NATS_SERVER_MISSING', `${MISSING} (apt-get install nats-server failed)`);
  return bin;
}
