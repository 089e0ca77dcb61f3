import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OoError } from '@oo/contracts';
import { requireTool } from '@oo/test-harness';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPlaybook } from '../src/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const buildVm = join(here, '..', 'playbooks', 'build-vm.yml');
const dnsRecord = join(here, '..', 'playbooks', 'dns-record.yml');
const fixture = (name: string) => join(here, 'fixtures', name);

let work: string;
let savedTmpdir: string | undefined;

beforeAll(() => requireTool('ansible-playbook', 'ansible-core'));

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'oo-runner-test-'));
  // The runner's extra-vars folder goes under TMPDIR: point it at this test's folder to watch it.
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = join(work, 'tmp');
  await mkdir(join(work, 'tmp'));
});

afterEach(async () => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  await rm(work, { recursive: true, force: true });
});

/** Processes that are not zombies, from /proc (Linux), with their process group and command line. */
function liveProcesses(): { pid: number; pgid: number; cmdline: string }[] {
  const out: { pid: number; pgid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const statLine = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state, ppid, pgrp, ...
      const [state, , pgrp] = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      out.push({ pid: Number(entry), pgid: Number(pgrp), cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

describe('playbook runner', () => {
  it('playbook runner - builds a VM definition file from the extra vars with the sample playbook', async () => {
    const outputDir = join(work, 'vms');
    const lines: string[] = [];
    const result = await runPlaybook({
      playbook: buildVm,
      extraVars: {
        vm_name: 'web01',
        vm_cpu: 2,
        vm_memory_mb: 4096,
        vm_disks: [{ size_gb: 40 }],
        vm_network: 'lan',
        vm_ip: '10.0.0.5',
        oo_output_dir: outputDir,
      },
      onStdoutLine: (line) => lines.push(line),
    });
    expect(result).toMatchObject({ status: 'successful', exitCode: 0 });
    expect(lines.some((line) => line.startsWith('PLAY RECAP'))).toBe(true);
    const definition = JSON.parse(await readFile(join(outputDir, 'web01.json'), 'utf8'));
    expect(definition).toEqual({
      name: 'web01',
      cpu: 2,
      memory_mb: 4096,
      disks: [{ size_gb: 40 }],
      network: 'lan',
      ip: '10.0.0.5',
    });
  });

  it('playbook runner - makes a DNS record file from the extra vars with the sample playbook', async () => {
    const outputDir = join(work, 'dns');
    const result = await runPlaybook({
      playbook: dnsRecord,
      extraVars: {
        dns_name: 'app',
        dns_zone: 'intranet.example',
        dns_fqdn: 'app.intranet.example',
        dns_type: 'A',
        dns_value: '10.10.0.77',
        dns_ttl: 300,
        oo_output_dir: outputDir,
      },
    });
    expect(result).toMatchObject({ status: 'successful', exitCode: 0 });
    expect(JSON.parse(await readFile(join(outputDir, 'app.intranet.example.json'), 'utf8'))).toEqual({
      fqdn: 'app.intranet.example',
      type: 'A',
      value: '10.10.0.77',
      ttl: 300,
    });
  });

  it('playbook runner - the DNS sample refuses a host name that would write outside its folder', async () => {
    const outputDir = join(work, 'dns');
    const result = await runPlaybook({
      playbook: dnsRecord,
      extraVars: { dns_fqdn: '../../etc/x', dns_type: 'A', dns_value: '10.0.0.1', oo_output_dir: outputDir },
    });
    expect(result).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(result.stdoutTail).toContain('dns-record needs the extra vars dns_fqdn (a host name)');
    await expect(readdir(work)).resolves.not.toContain('dns');
  });

  it('playbook runner - reports a failing playbook as failed with exit code 2 and a stdout tail', async () => {
    const result = await runPlaybook({ playbook: fixture('fail.yml'), extraVars: { reason: 'by design' } });
    expect(result).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(result.stdoutTail).toContain('oo-test-failure by design');
    expect(result.stdoutTail).toMatch(/failed=1/);
  });

  it('playbook runner - reports an unreachable host as unreachable with exit code 4', async () => {
    const result = await runPlaybook({
      playbook: fixture('ping-all.yml'),
      inventory: '127.0.0.1,',
      connection: 'ssh',
      env: { ANSIBLE_REMOTE_PORT: '1' },
    });
    expect(result).toMatchObject({ status: 'unreachable', exitCode: 4 });
    expect(result.stdoutTail).toMatch(/unreachable=1/);
  });

  it('playbook runner - reports a playbook that does not parse as error, with the reason on stderr', async () => {
    const broken = join(work, 'broken.yml');
    await writeFile(broken, '- name: Broken\n  hosts: localhost\n  tasks: [\n');
    const result = await runPlaybook({ playbook: broken });
    expect(result).toMatchObject({ status: 'error', exitCode: 4 });
    expect(result.stderrTail).toContain('ERROR!');
  });

  it('playbook runner - keeps the extra vars in a 0600 file only while the playbook runs', async () => {
    const modes: number[] = [];
    const varsDir = join(work, 'tmp');
    const result = await runPlaybook({
      playbook: fixture('fail.yml'),
      extraVars: { reason: 'secret' },
      onStdoutLine: (line) => {
        if (!line.startsWith('TASK [')) return;
        // Synchronous on purpose: the run is in progress while this line is handled.
        for (const dir of readdirSync(varsDir)) {
          modes.push(statSync(join(varsDir, dir, 'extra-vars.json')).mode & 0o777);
        }
      },
    });
    expect(result.status).toBe('failed');
    expect(modes).toEqual([0o600]);
    expect(await readdir(varsDir)).toEqual([]);
  });

  it('playbook runner - abort kills the playbook and the commands it started', async () => {
    const controller = new AbortController();
    let group: number | undefined;
    // Other runs on this machine may have a `sleep 300` of their own: only a new one is ours.
    const before = new Set(liveProcesses().map((p) => p.pid));
    const run = runPlaybook({
      playbook: fixture('sleep.yml'),
      signal: controller.signal,
      onStdoutLine: (line) => {
        if (line.startsWith('TASK [Sleep')) void abortOnceSleeping();
      },
    });
    // Abort only once the task's `sleep 300` runs, so the kill has a grandchild to reach.
    async function abortOnceSleeping(): Promise<void> {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const sleeper = liveProcesses().find((p) => p.cmdline === 'sleep 300' && !before.has(p.pid));
        if (sleeper !== undefined) {
          group = sleeper.pgid;
          controller.abort();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      controller.abort();
    }
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OoError);
    expect((error as OoError).code).toBe('OO_ERR_CANCELLED');
    expect(group).toBe((error as OoError).details?.pid);
    // Killed members may linger as zombies when PID 1 does not reap; only live ones count.
    expect(liveProcesses().filter((p) => p.pgid === group)).toEqual([]);
    expect(await readdir(join(work, 'tmp'))).toEqual([]);
  });

  it('playbook runner - names the fix when ansible-playbook cannot be started', async () => {
    const error = await runPlaybook({
      playbook: buildVm,
      ansiblePlaybook: join(work, 'no-such-binary'),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OO_ERR_AWX_LOCAL_ANSIBLE_UNAVAILABLE', retryable: false });
    expect((error as OoError).message).toContain('install ansible-core');
    expect(await readdir(join(work, 'tmp'))).toEqual([]);
  });
});
