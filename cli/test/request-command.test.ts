/**
 * `oo request` against a real `oo up` (gateway, actors, simulators): submit and follow to the end,
 * refusals naming the field, list, show, rerun in the same trace, cancel, and the exit codes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EXAMPLE_VM, OoError } from '@oo/contracts';
import { type ChildHandle, waitFor } from '@oo/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_ENDED_OTHERWISE, type Io } from '../src/command-io.js';
import {
  cancelRequest,
  listRequests,
  rerunRequest,
  showRequest,
  submitRequest,
  waitRequest,
} from '../src/commands/request.js';
import { spawnOo } from './fixtures/oo-process.js';

const oo = new URL('../bin/oo.js', import.meta.url).pathname;
const exec = promisify(execFile);

let data: string;
let up: ChildHandle;
let vmFile: string;

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'oo-request-'));
  vmFile = join(data, 'vm.json');
  writeFileSync(vmFile, JSON.stringify({ resources: [EXAMPLE_VM] }));
  up = spawnOo(['up', '--data', data]);
  await up.waitForLine(/^OO is up\./, 120_000);
}, 150_000);
afterAll(async () => {
  expect(await up?.kill('SIGTERM')).toBe(0);
  rmSync(data, { recursive: true, force: true });
  // Stopping drains every actor; in one CI run it outlasted the default 30 s hook timeout.
}, 120_000);

/** Captures what a command writes. */
function captured(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    stdout: () => out,
    stderr: () => err,
  };
}

const options = <T extends object>(extra: T = {} as T) => ({ data, timeout: '60', ...extra });

describe('oo request', { timeout: 120_000 }, () => {
  it('submits a body from a file, tells each step on stderr, and prints the request it ended as', async () => {
    const io = captured();
    expect(await submitRequest(vmFile, options({ wait: true }), io)).toBe(0);
    const view = JSON.parse(io.stdout());
    expect(view).toMatchObject({ status: 'succeeded', template: 'vm-unmanaged' });
    expect(view.outputs.vms).toEqual([
      { name: expect.stringMatching(/^dev-rhel9-\d{4}$/), ip: expect.any(String) },
    ]);
    const steps = io.stderr().split('\n');
    expect(steps[0]).toBe(`request ${view.requestId} accepted (trace ${view.traceId})`);
    expect(steps).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d task commit rfm\.commit succeeded$/));
    // The AWX job's run is a child of the request's run: indented under it, its tasks too.
    expect(steps).toContainEqual(
      expect.stringMatching(/^\d\d:\d\d:\d\d {3}run \S+\.build-0 awx-job@1 succeeded$/),
    );
    expect(steps).toContainEqual(
      expect.stringMatching(/^\d\d:\d\d:\d\d {3}task launch awx\.launch succeeded$/),
    );
    expect(steps.filter(Boolean).at(-1)).toMatch(/ request succeeded$/);

    const quiet = captured();
    expect(await waitRequest(view.requestId, options({ quiet: true }), quiet)).toBe(0);
    expect(quiet.stderr()).toBe('');
    expect(JSON.parse(quiet.stdout()).requestId).toBe(view.requestId);

    const shown = captured();
    expect(await showRequest(view.requestId, options(), shown)).toBe(0);
    expect(JSON.parse(shown.stdout())).toMatchObject({ requestId: view.requestId, status: 'succeeded' });

    const listed = captured();
    expect(await listRequests(options({ limit: '5' }), listed)).toBe(0);
    const lines = listed.stdout().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REQUEST\s+STATUS\s+BY\s+SUBMITTED\s+TEMPLATE\s+RESOURCES$/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${view.requestId}\\s+succeeded\\s+oo-up-admin\\s+.*vm-unmanaged\\s+virtual_machine$`),
      ),
    );

    // A rerun is a new request in the same trace.
    const rerun = captured();
    expect(
      await rerunRequest(view.requestId, options({ mode: 'restart', wait: true, quiet: true }), rerun),
    ).toBe(0);
    const again = JSON.parse(rerun.stdout());
    expect(again).toMatchObject({ status: 'succeeded', traceId: view.traceId, rerunOf: view.requestId });
    expect(again.requestId).not.toBe(view.requestId);

    // An ended request has nothing left to cancel.
    const refused = await cancelRequest(view.requestId, options(), captured()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OoError);
    expect(refused).toMatchObject({ code: 'OO_ERR_REQUEST_STATE' });
  });

  it('cancels a request in progress and follows it to cancelled', async () => {
    const io = captured();
    expect(await submitRequest(vmFile, options(), io)).toBe(0);
    const { requestId } = JSON.parse(io.stdout());
    // The AWX simulator's job runs for seconds: the request is cancelled while it is running.
    await waitFor(
      async () => {
        const shown = captured();
        await showRequest(requestId, options(), shown).catch(() => undefined);
        return shown.stdout().includes('"status": "running"');
      },
      { timeoutMs: 20_000, what: 'the request running' },
    );
    const cancelled = captured();
    expect(await cancelRequest(requestId, options({ wait: true, reason: 'not needed' }), cancelled)).toBe(0);
    expect(JSON.parse(cancelled.stdout())).toMatchObject({ status: 'cancelled' });
    expect(cancelled.stderr()).toMatch(/ request cancelled \(OO_ERR_CANCELLED: not needed\)\n$/);
    // Waiting for a success of it says it ended otherwise.
    expect(await waitRequest(requestId, options({ quiet: true }), captured())).toBe(EXIT_ENDED_OTHERWISE);
  });

  it('exits 1 naming each failing field, the code, or the gateway it cannot reach', async () => {
    const bad = join(data, 'bad.json');
    // The unknown field's name would clear the screen, were it written to the terminal as it is.
    const hostile = { resources: [{ ...EXAMPLE_VM, cpu: 'two', disks: [] }], '\u001b[2Jextra': 1 };
    writeFileSync(bad, JSON.stringify(hostile));
    const refused = await exec(process.execPath, [oo, 'request', 'submit', bad, '--data', data]).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    const stderr = (refused as { stderr: string }).stderr;
    expect(stderr).toMatch(/^oo: OO_ERR_MSG_SCHEMA: HTTP 422: the request body is invalid: 3 problems/);
    expect(stderr).toContain('\n  resources.0.cpu: ');
    expect(stderr).toContain('\n  resources.0.disks: needs at least one disk');
    expect(stderr).toContain('\n  \\u001b[2Jextra: ');
    expect(stderr).not.toContain('\u001b');

    const missing = await showRequest('req_nope', options(), captured()).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'OO_ERR_REQUEST_NOT_FOUND' });
    const notJson = join(data, 'not.json');
    writeFileSync(notJson, '{"resources": [');
    await expect(submitRequest(notJson, options(), captured())).rejects.toMatchObject({
      code: 'OO_ERR_MSG_INVALID_JSON',
    });

    const env = { ...process.env, OO_GATEWAY_URL: 'http://127.0.0.1:9', OO_TOKEN: 'oo_tok_x' };
    const unreachable = await exec(process.execPath, [oo, 'request', 'list'], { env }).catch(
      (e: unknown) => e,
    );
    expect(unreachable).toMatchObject({ code: 1 });
    expect((unreachable as { stderr: string }).stderr).toMatch(
      /^oo: OO_ERR_HTTP_UNREACHABLE: the gateway at http:\/\/127\.0\.0\.1:9 cannot be reached/,
    );
  });
});
