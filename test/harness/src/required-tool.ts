/**
 * Tests that run a real tool (ansible-playbook, promtool, prometheus) call this first: a machine
 * without the tool must fail loudly, naming the Debian package to install, not skip or time out.
 * `test/run-all.sh` installs every such package.
 */
import { spawnSync } from 'node:child_process';

export function requireTool(binary: string, debianPackage: string): void {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      `${binary} is not installed: install ${debianPackage} (apt-get install -y ${debianPackage}) to run these tests`,
    );
  }
}
