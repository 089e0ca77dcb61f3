// The functions given to page.evaluate run in the browser: they see its document and window.
/// <reference lib="dom" />
/**
 * The web UI in a real browser (Debian's Chromium, driven by playwright-core) against `oo up`: a
 * person signs in with a token, asks for the seed's VM from the form and watches it succeed; a
 * refused field is named beside it; hostile notes and a hostile link show as text and run nothing.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { type ChildHandle, requireTool, spawnTsx } from '@oo/test-harness';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const main = new URL('../../../cli/src/main.ts', import.meta.url).pathname;
const CHROMIUM = '/usr/bin/chromium';
/** Where traces are shown (Jaeger's address of a trace); nothing answers there in the test. */
const TRACE_URL = 'http://127.0.0.1:16686/trace/{traceId}';
/** A string that would run script, were the UI to put it into the page as HTML. */
const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

let up: ChildHandle;
let gateway: string;
let adminToken: string;
let awx: string;
let natsUrl: string;
let browser: Browser;
let page: Page;
/** What the page reported going wrong: script errors, console errors (a CSP refusal is one). */
let troubles: string[];
/** Every answer of 400 or more the page got: `<status> <path>`. */
let refusals: string[];

beforeAll(async () => {
  requireTool(CHROMIUM, 'chromium');
  const data = mkdtempSync(join(tmpdir(), 'oo-web-'));
  const env = {
    NATS_URL: '',
    OO_LOG_LEVEL: 'warn',
    OO_GATEWAY_PORT: '0',
    OO_FILESTORE_PORT: '0',
    OO_TRACE_URL: TRACE_URL,
  };
  up = spawnTsx(main, env, ['up', '--data', data]);
  await up.waitForLine(/^OO is up\./, 150_000);
  const info = JSON.parse(readFileSync(join(data, 'up.json'), 'utf8')) as {
    gateway: string;
    adminToken: string;
    nats: string;
    simulators: { awx: string };
  };
  ({ gateway, adminToken } = info);
  natsUrl = info.nats;
  awx = info.simulators.awx;
  // As root (CI) Chromium needs --no-sandbox.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  expect(await up.kill('SIGTERM')).toBe(0);
});

beforeEach(async () => {
  troubles = [];
  refusals = [];
  page = await browser.newPage();
  page.on('response', (res) => {
    if (res.status() >= 400) refusals.push(`${res.status()} ${new URL(res.url()).pathname}`);
  });
  page.on('pageerror', (err) => troubles.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') troubles.push(`console: ${message.text()}`);
  });
});

afterEach(async () => {
  await page.close();
});

/** A new API token, made by the admin. */
async function tokenFor(name: string, role: 'requester' | 'operator'): Promise<string> {
  const created = await fetch(`${gateway}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, role }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { secret: string }).secret;
}

/** Submits over the API, as another program would (the list and pages must show it); its id. */
async function submitOverApi(resources: unknown[], token = adminToken): Promise<string> {
  const submitted = await fetch(`${gateway}/v1/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ resources }),
  });
  expect(submitted.status).toBe(202);
  return ((await submitted.json()) as { requestId: string }).requestId;
}

/** An A record in `oo up`'s DNS zone. */
const aRecord = (name: string, value: string) => ({
  type: 'dns_record',
  zone: 'intranet.example',
  name,
  recordType: 'A',
  value,
});

/** Opens the status page again until `selector` is on it (the dead letters are read as it opens). */
async function statusPageShows(selector: string): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.click('a[href="#/requests"]');
        await page.click('a[href="#/status"]');
        await page.waitForSelector('table.presence tbody tr');
        return page.$(selector);
      },
      { timeout: 20_000 },
    )
    .not.toBeNull();
}

/** Opens the UI and signs in; with `wait` (the default), returns once the page is signed in. */
async function signIn(token = adminToken, { wait = true } = {}) {
  await page.goto(gateway);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  if (wait) await page.waitForSelector('nav .who');
}

describe('web UI', () => {
  it('refuses a wrong token, then signs in with a good one', async () => {
    await page.goto(gateway);
    // The token field has the focus: paste, Enter.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('token');
    expect(await page.textContent('form .hint code')).toBe('oo token create --role requester');
    await signIn('oo_not-a-token', { wait: false });
    await expect.poll(() => page.textContent('p[role=alert]')).toBe('This token is not accepted.');
    await page.fill('#token', adminToken);
    await page.click('button[type=submit]');
    await page.waitForSelector('table.requests');
    expect(page.url()).toMatch(/\/ui\/#\/requests$/);
    // The navigation says where one is.
    expect(await page.textContent('nav a[aria-current=page]')).toBe('Requests');
    await page.click('a[href="#/new"]');
    await expect.poll(() => page.textContent('nav a[aria-current=page]')).toBe('New request');
    // The wrong token's 401 is the one error: the browser logs it on the console too.
    expect(refusals).toEqual(['401 /v1/me']);
    expect(troubles.filter((t) => !t.includes('status of 401'))).toEqual([]);
  });

  it('asks for the seed VM from the form and follows it to succeeded', async () => {
    await signIn();
    await page.click('a[href="#/new"]');
    await page.waitForSelector('form.request-form');
    // The form offers what the policy permits; its defaults are the seed's VM.
    expect(
      await page.$$eval('select[name=os] option', (os) => os.map((o) => o.getAttribute('value'))),
    ).toContain('rhel9');
    await page.selectOption('select[name=os]', 'rhel9');
    await page.selectOption('select[name=network]', 'INTRANET_DEV');
    await page.fill('input[name=cpu]', '2');
    await page.fill('input[name=memoryGb]', '8');
    await page.fill('input[name=diskGb]', '100');
    await page.fill('textarea[name=notes]', HOSTILE);
    await page.click('button[type=submit]');

    await page.waitForURL(/#\/requests\/[^/]+$/);
    await page.waitForSelector('#request-status [data-status=succeeded]', { timeout: 120_000 });
    expect(await page.textContent('#request-outputs')).toMatch(/dev-rhel9-\d{4}/);
    // The notes come back as the text that was typed: no element made of them, no script run.
    expect(await page.textContent('#request-notes')).toBe(HOSTILE);
    expect(await page.$$('#request-notes *')).toEqual([]);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.textContent('dl.facts')).toContain('built once (Ansible)');
    const traceId = String(await page.textContent('dl.facts dd code'));
    expect(await page.getAttribute('a:has-text("open the trace")', 'href')).toBe(
      TRACE_URL.replace('{traceId}', traceId),
    );
    await expect
      .poll(() => page.textContent('ol.events'), { timeout: 20_000 })
      .toContain('request succeeded');
    expect(await page.textContent('ol.events')).toContain('task ');

    const requestId = decodeURIComponent(page.url().split('/').pop() ?? '');
    const stored = (await (
      await fetch(`${gateway}/v1/requests/${requestId}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      })
    ).json()) as { status: string };
    expect(stored.status).toBe('succeeded');
    await page.click('a[href="#/requests"]');
    await page.waitForSelector(`a[href="#/requests/${requestId}"]`);
    expect(refusals).toEqual([]);
    expect(troubles).toEqual([]);
  });

  it('asks for a DNS record from the same form and follows it to succeeded', async () => {
    await signIn();
    await page.click('a[href="#/new"]');
    await page.waitForSelector('form.request-form');
    // VMs may be managed or not; DNS records are made unmanaged only (oo up's routes).
    expect(await page.$('fieldset.kind-virtual_machine input[name=managed][type=checkbox]')).not.toBeNull();
    expect(await page.$('fieldset.kind-dns_record input[name=managed]')).toBeNull();
    await page.check('input[name=kind][value=dns_record]');
    expect(await page.isHidden('fieldset.resource-vm')).toBe(true);
    await page.selectOption('select[name=zone]', 'intranet.example');
    await page.fill('input[name=name]', 'shop');
    await page.fill('input[name=value]', '10.10.0.88');
    await page.click('button[type=submit]');
    await page.waitForURL(/#\/requests\/req_[^/]+$/);
    await page.waitForSelector('#request-status [data-status=succeeded]', { timeout: 60_000 });
    expect(await page.textContent('dl.facts')).toContain('DNS A shop.intranet.example');
    expect(await page.textContent('#request-outputs')).toContain('"fqdn": "shop.intranet.example"');
  });

  it('asks for two different VMs in one request, naming a refusal beside the second one', async () => {
    await signIn();
    await page.click('a[href="#/new"]');
    await page.waitForSelector('form.request-form');
    expect(await page.isHidden('fieldset.resource-vm .remove-resource')).toBe(true);
    const focused = () =>
      page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
    // Adding puts the focus in what was added; removing leaves it on the Add button, not nowhere.
    await page.click('button:has-text("Add another virtual machine")');
    expect(await focused()).toBe('f-resources.1.os');
    await page.click('fieldset.resource-vm:nth-of-type(2) .remove-resource');
    expect(await focused()).toBe('Add another virtual machine');
    await page.click('button:has-text("Add a disk")');
    expect(await focused()).toBe('f-resources.0.disks.1.sizeGb');
    await page.click('.disks .field:nth-child(2) button:has-text("Remove")');
    expect(await focused()).toBe('Add a disk');
    await page.click('button:has-text("Add another virtual machine")');
    const second = 'fieldset.resource-vm:nth-of-type(2)';
    await page.waitForSelector(second);
    expect(await page.textContent(`${second} legend`)).toBe('Virtual machine 2');
    await page.fill(`${second} input[name=cpu]`, '4');
    await page.fill(`${second} input[name=memoryGb]`, '16');
    await page.fill(`${second} input[name=hostname]`, 'Bad_Host!');
    await page.click('button[type=submit]');
    await page.waitForSelector(`${second} .field.invalid[data-path="resources.1.hostname"]`);
    // Named as the person sees it, not by its body path; the refused field takes the focus.
    expect(await page.textContent('.summary')).toContain('Virtual machine 2, Host name: must be');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-resources.1.hostname');
    expect(await page.$$('fieldset.resource-vm:nth-of-type(1) .field.invalid')).toEqual([]);

    await page.fill(`${second} input[name=hostname]`, 'web-ui-db');
    await page.click('button[type=submit]');
    await page.waitForURL(/#\/requests\/req_[^/]+$/);
    await page.waitForSelector('#request-status [data-status=succeeded]', { timeout: 120_000 });
    const requestId = decodeURIComponent(page.url().split('/').pop() ?? '');
    const stored = (await (
      await fetch(`${gateway}/v1/requests/${requestId}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      })
    ).json()) as {
      resources: Array<{ cpu: number; hostname?: string }>;
      outputs: { vms: Array<{ name: string }> };
    };
    expect(stored.resources.map((r) => [r.cpu, r.hostname])).toEqual([
      [2, undefined],
      [4, 'web-ui-db'],
    ]);
    expect(stored.outputs.vms.map((vm) => vm.name)).toContain('web-ui-db');
    expect(stored.outputs.vms).toHaveLength(2);
    expect(troubles.filter((t) => !t.includes('status of 422'))).toEqual([]);
  });

  it('follows the list: a request made elsewhere shows, and reaches succeeded, without a refresh', async () => {
    await signIn();
    await page.waitForSelector('table.requests tbody tr');
    const requestId = await submitOverApi([aRecord('listed', '10.10.0.78')]);
    const status = `table.requests tr:has(a[href="#/requests/${requestId}"]) .badge`;
    await page.waitForSelector(status, { timeout: 20_000 });
    await expect.poll(() => page.textContent(status), { timeout: 30_000 }).toBe('succeeded');
    expect(troubles).toEqual([]);
  });

  it('names a refused field beside it, keeps the form, and takes it corrected', async () => {
    await signIn();
    await page.click('a[href="#/new"]');
    await page.waitForSelector('form.request-form');
    await page.fill('input[name=hostname]', 'Bad_Host!');
    await page.click('button[type=submit]');
    const error = page.locator('.field[data-path="resources.0.hostname"] .field-error');
    await expect.poll(() => error.textContent()).toContain('RFC 1123');
    expect(page.url()).toMatch(/#\/new$/);
    expect(await page.locator('.summary li').first().textContent()).toContain('Virtual machine, Host name:');
    expect(await page.textContent('form p[role=status]')).toBe(
      'Not sent: correct the field marked in the form.',
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-resources.0.hostname');

    // Typed in and not sent: leaving by the navigation asks first; declined, the form stays filled.
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    // The question comes on the hash change, after the click has returned.
    await page.click('a[href="#/requests"]');
    await expect
      .poll(() => asked)
      .toEqual(['The request you are filling in has not been sent. Leave this page all the same?']);
    await expect.poll(() => new URL(page.url()).hash).toBe('#/new');
    expect(await page.inputValue('input[name=hostname]')).toBe('Bad_Host!');

    // Corrected, the same form (and its Idempotency-Key) is taken.
    await page.fill('input[name=hostname]', 'web-ui-01');
    await page.click('button[type=submit]');
    await page.waitForURL(/#\/requests\/req_[^/]+$/);
  });

  it('shows a hostile request id from a link as text, and runs nothing', async () => {
    await signIn();
    await page.goto(`${gateway}/ui/#/requests/${encodeURIComponent(HOSTILE)}`);
    await expect.poll(() => page.textContent('h2 code')).toBe(HOSTILE);
    // The gateway refuses the id; the page says so, as text.
    await page.waitForSelector('section.card p.error, section.card .hint');
    await expect.poll(() => page.textContent('section.card')).toMatch(/not known|must|invalid/);
    expect(await page.$$('section.card img, section.card script')).toEqual([]);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('offers a requester no operator pages, and an admin the actors alive', async () => {
    await signIn(await tokenFor('rita', 'requester'));
    await page.waitForSelector('table.requests');
    expect(await page.textContent('nav .who')).toBe('rita (requester)');
    expect(await page.$$eval('nav a', (links) => links.map((a) => a.textContent))).toEqual([
      'Requests',
      'New request',
      'API',
    ]);
    expect(await page.$('#everyone')).toBeNull();

    await page.click('nav button.link');
    await signIn();
    await page.click('a[href="#/status"]');
    await page.waitForSelector('table.presence tbody tr');
    const actors = await page.$$eval('table.presence tbody tr td:first-child', (cells) =>
      cells.map((c) => c.textContent),
    );
    expect(actors).toEqual(expect.arrayContaining(['engine', 'runner', 'gateway', 'requests', 'rfm']));
    // The templates the engine runs, each version with its description.
    await page.waitForSelector('table.templates tbody tr');
    const templates = await page.$$eval('table.templates tbody tr', (rows) =>
      rows.map((r) =>
        [...r.querySelectorAll('td')]
          .map((c) => c.textContent)
          .slice(0, 2)
          .join('@'),
      ),
    );
    expect(templates).toEqual(expect.arrayContaining(['vm-unmanaged@2', 'dns-record@2', 'awx-job@1']));
    // No dead letters yet: the card says so, with no empty table under it.
    await expect
      .poll(() => page.textContent('section.card:has(table.dead-letters) p.hint'))
      .toBe('None in the last 24 hours.');
    expect(await page.isVisible('table.dead-letters')).toBe(false);

    // Below them the dead letters: a body some program put on the bus that the requests actor could
    // not read, with the reason, and the body as it came when opened.
    const nc = await connect({ servers: natsUrl });
    await jetstream(nc).publish('oo.cmd.requests.submit', '{"resources": "<b>five</b>"}');
    await nc.close();
    const letter = 'table.dead-letters tbody tr:has-text("oo.cmd.requests.submit")';
    await statusPageShows(letter);
    expect(await page.textContent(`${letter} td:nth-child(4)`)).toBe('OO_ERR_MSG_SCHEMA');
    await page.click(`${letter} summary`);
    expect(await page.textContent(`${letter} details pre >> nth=1`)).toBe('{"resources": "<b>five</b>"}');
    expect(await page.$('table.dead-letters b')).toBeNull();
    // The requests actor's last error is under its row, in view without scrolling sideways.
    const lastError = 'table.presence tr.instance:has(td:text-is("requests")) + tr.last-error';
    await statusPageShows(lastError);
    expect(await page.textContent(lastError)).toMatch(
      /^Last error, \d+ s ago: body does not match oo\.cmd\.requests\.submit: resources: .+ \(OO_ERR_MSG_SCHEMA\)$/,
    );
    const error = await page.locator(`${lastError} div`).boundingBox();
    const card = await page.locator('section.card:has(table.presence)').boundingBox();
    expect(error && card && error.x + error.width <= card.x + card.width).toBe(true);
    // A submit acts as its caller, whose identity the letter does not keep: it cannot be sent again,
    // and the page says so instead of offering it.
    expect(await page.textContent(`${letter} details`)).toMatch(
      /Cannot be sent again: oo\.cmd\.requests\.submit acts as its caller.*the caller must send it again\./,
    );
    expect(await page.$(`${letter} button:has-text("Send again")`)).toBeNull();
    expect(await page.$(`${letter} button:has-text("Discard")`)).not.toBeNull();
  });

  it('lets an operator send a dead letter again from the status page', async () => {
    // A mail command of a schema version no notifier knows yet: dead-lettered, and sent again as it is.
    const nc = await connect({ servers: natsUrl });
    const js = jetstream(nc);
    const mail = {
      to: ['ops@example.org'],
      subject: 'later',
      text: 'x',
      requestId: 'req_1',
      traceId: 't',
      kind: 'succeeded',
    };
    const h = headers();
    h.set('oo-schema', 'oo.cmd.notify.email@9');
    await js.publish('oo.cmd.notify.email', JSON.stringify(mail), { headers: h });
    await nc.close();
    await signIn(await tokenFor('otto', 'operator'));
    const letter = 'table.dead-letters tbody tr:has-text("OO_ERR_MSG_SCHEMA_VERSION")';
    await statusPageShows(letter);
    await page.click(`${letter} summary`);
    await page.click(`${letter} button:has-text("Send again")`);
    await expect
      .poll(() => page.textContent(`${letter} details p.hint[role=status]`))
      .toMatch(/^Sent again \(OO_CMD #\d+\)/);
    expect(await page.$(`${letter} button:has-text("Send again")`)).toBeNull();

    // Sent again as it was, it failed again: a new letter, which the operator discards (asked first).
    await statusPageShows(letter);
    await page.click(`${letter} summary`);
    // Meanwhile another operator sent it again: this page finds it gone and says so, not an error.
    const seq = Number(/Sequence (\d+)/.exec((await page.textContent(`${letter} details`)) ?? '')?.[1]);
    const elsewhere = await fetch(`${gateway}/v1/dead-letters/${seq}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenFor('olga', 'operator')}` },
    });
    expect(elsewhere.status).toBe(200);
    await page.click(`${letter} button:has-text("Send again")`);
    await expect
      .poll(() => page.textContent(`${letter} details p.hint[role=status]`))
      .toBe('Already settled elsewhere: it is no longer among the dead letters.');
    expect(await page.$(`${letter} button:has-text("Discard")`)).toBeNull();

    // It failed once more: the newest letter, which the operator discards (asked first).
    await statusPageShows(letter);
    await page.click(`${letter} summary`);
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.click(`${letter} button:has-text("Discard")`);
    expect(await page.isVisible(`${letter} button:has-text("Discard")`)).toBe(true);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click(`${letter} button:has-text("Discard")`);
    await expect
      .poll(() => page.textContent(`${letter} details p.hint[role=status]`))
      .toBe('Discarded: its message will not be sent again.');
    await page.click('a[href="#/requests"]');
    await page.click('a[href="#/status"]');
    await expect
      .poll(() => page.textContent('section.card:has(table.dead-letters) p.hint'))
      .toMatch(/in the last 24 hours/);
    expect(await page.$(letter)).toBeNull();
  });

  it('lets an admin change the policy, refuses a stale save, and the form offers the new bounds', async () => {
    await signIn();
    await page.click('a[href="#/policy"]');
    await expect.poll(() => page.inputValue('#policy-json')).toContain('"bounds"');
    // The page, taller than the window, opens at its top with the navigation in view; the window is titled for it.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(await page.title()).toBe('Policy — OO');
    const edited = JSON.parse(await page.inputValue('#policy-json')) as { bounds: { cpu: { max: number } } };
    edited.bounds.cpu.max = 4;
    await page.fill('#policy-json', JSON.stringify(edited, null, 2));
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('p.ok')).toMatch(/^Saved as version \d+\.$/);

    // Someone else saves meanwhile: this page's next save is refused, not written over theirs.
    const current = (await (
      await fetch(`${gateway}/v1/policy`, { headers: { authorization: `Bearer ${adminToken}` } })
    ).json()) as { version: number; policy: unknown };
    const theirs = await fetch(`${gateway}/v1/policy`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${adminToken}`,
        'content-type': 'application/json',
        'if-match': `"${current.version}"`,
      },
      body: JSON.stringify(current.policy),
    });
    expect(theirs.status).toBe(200);
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('form [role=alert]')).toContain('Someone changed the policy');

    // Reading again would drop the edit not saved: it asks first, and declined keeps it.
    await page.fill('#policy-json', '{"images": []}');
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.click('button[type=button]:has-text("Read it again")');
    expect(await page.inputValue('#policy-json')).toBe('{"images": []}');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('button[type=button]:has-text("Read it again")');
    await expect.poll(() => page.inputValue('#policy-json')).toContain('"bounds"');
    await page.fill('#policy-json', '{"images": []}');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('form [role=alert]')).toContain('images');

    // The refused edit is not saved: leaving by the navigation asks too, and declined stays put.
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.click('a[href="#/new"]');
    await expect
      .poll(() => asked)
      .toEqual(['The policy has changes you have not saved. Leave this page all the same?']);
    await expect.poll(() => new URL(page.url()).hash).toBe('#/policy');
    expect(await page.inputValue('#policy-json')).toBe('{"images": []}');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('a[href="#/new"]');
    await page.waitForSelector('form.request-form');
    expect(await page.getAttribute('input[name=cpu]', 'max')).toBe('4');
  });

  it("lets an admin allow a pair from the inventory's matrix, and refuses a cluster the inventory lacks", async () => {
    await signIn();
    await page.click('a[href="#/policy"]');
    await page.waitForSelector('table.matrix input[type=checkbox]');
    expect(await page.textContent('#inventory')).toMatch(
      /From vcenter:http:\/\/127\.0\.0\.1:\d+, networks from aci:http:\/\/127\.0\.0\.1:\d+, read /,
    );
    const pair = 'input[aria-label="cluster-c on ds-archive"]';
    expect(await page.isChecked(pair)).toBe(false);
    expect(await page.isChecked('input[aria-label="cluster-a on ds-fast"]')).toBe(true);
    // By keyboard: the box ticked keeps the focus though the grid is drawn again.
    await page.focus(pair);
    await page.keyboard.press('Space');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'cluster-c on ds-archive',
    );
    expect(await page.isChecked(pair)).toBe(true);
    // The editor is named for those who cannot see it beside the heading.
    expect(await page.getByLabel('The policy, as JSON').count()).toBe(1);
    const edited = JSON.parse(await page.inputValue('#policy-json')) as {
      clusters: string[];
      datastores: string[];
      matrix: Array<{ cluster: string; datastore: string; allowed: boolean }>;
    };
    expect(edited.clusters).toContain('cluster-c');
    expect(edited.datastores).toContain('ds-archive');
    expect(edited.matrix.at(-1)).toEqual({ cluster: 'cluster-c', datastore: 'ds-archive', allowed: true });
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('p.ok')).toMatch(/^Saved as version \d+\.$/);
    const stored = (await (
      await fetch(`${gateway}/v1/policy`, { headers: { authorization: `Bearer ${adminToken}` } })
    ).json()) as { policy: typeof edited };
    expect(stored.policy.matrix).toContainEqual({
      cluster: 'cluster-c',
      datastore: 'ds-archive',
      allowed: true,
    });
    await page.waitForSelector(`${pair}:checked`);

    // A cluster typed into the JSON that vCenter does not list is refused, naming the field.
    edited.clusters.push('cluster-z');
    await page.fill('#policy-json', JSON.stringify(edited, null, 2));
    await expect.poll(() => page.textContent('#inventory')).toContain('cluster-z (not in the inventory)');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('form [role=alert]')).toContain('is not in the inventory');
    expect(await page.textContent('form [role=alert]')).toContain(`clusters.${edited.clusters.length - 1}`);
    expect(troubles.filter((t) => !t.includes('status of 422'))).toEqual([]);
  });

  it('shows why the policy refused a request, and lets an operator, not its requester, rerun it', async () => {
    const requester = await tokenFor('ruth', 'requester');
    const requestId = await submitOverApi(
      [
        {
          type: 'virtual_machine',
          os: 'rhel9',
          network: 'INTRANET_DEV',
          cpu: 64,
          memoryGb: 8,
          disks: [{ sizeGb: 100 }],
        },
        {
          type: 'virtual_machine',
          os: 'rhel9',
          network: 'INTRANET_DEV',
          cpu: 2,
          memoryGb: 4,
          disks: [{ sizeGb: 50 }, { sizeGb: 20 }],
          hostname: 'ruth-db',
        },
      ],
      requester,
    );

    await signIn(requester);
    await page.goto(`${gateway}/ui/#/requests/${requestId}`);
    await page.waitForSelector('#request-status [data-status=rejected]', { timeout: 60_000 });
    expect(await page.textContent('#request-reasons')).toContain('resources.0.cpu');
    expect(await page.$$('.actions button')).toEqual([]);

    // Her list, by status.
    await page.click('a[href="#/requests"]');
    await page.selectOption('#status-filter', 'succeeded');
    await expect.poll(() => page.textContent('table.requests tbody')).toBe('None with this status.');
    await page.selectOption('#status-filter', 'rejected');
    await page.waitForSelector(`table.requests a[href="#/requests/${requestId}"]`);

    await page.click('nav button.link');
    await signIn(await tokenFor('otto', 'operator'));
    await page.goto(`${gateway}/ui/#/requests/${requestId}`);
    await page.click('.actions button:has-text("Rerun from scratch")');
    await page.waitForURL((url) => url.hash.startsWith('#/requests/') && !url.hash.endsWith(requestId));
    await expect
      .poll(() => page.textContent('dl.facts'), { timeout: 20_000 })
      .toContain(`Rerun of${requestId}`);

    // Edited: the form holds what was asked for; with the CPUs lowered, the rerun is built.
    await page.goto(`${gateway}/ui/#/requests/${requestId}`);
    await page.click('.actions a:has-text("Edit and rerun")');
    await page.waitForSelector('form.request-form');
    expect(await page.inputValue('input[name=cpu]')).toBe('64');
    expect(await page.inputValue('select[name=os]')).toBe('rhel9');
    // Both VMs are in the form, the second as it was asked for.
    const second = 'fieldset.resource-vm:nth-of-type(2)';
    expect(await page.inputValue(`${second} input[name=hostname]`)).toBe('ruth-db');
    expect(
      await page.$$eval(`${second} input[name=diskGb]`, (disks) =>
        disks.map((d) => (d as HTMLInputElement).value),
      ),
    ).toEqual(['50', '20']);
    await page.fill('input[name=cpu]', '2');
    await page.click('button[type=submit]');
    await page.waitForURL((url) => /^#\/requests\/[^/]+$/.test(url.hash) && !url.hash.endsWith(requestId));
    await page.waitForSelector('#request-status [data-status=succeeded]', { timeout: 60_000 });
    expect(await page.textContent('dl.facts')).toContain(`Rerun of${requestId}`);
    expect(await page.textContent('dl.facts')).toContain('2 CPU');
    const rerunId = decodeURIComponent(page.url().split('/').pop() ?? '');
    const rerun = (await (
      await fetch(`${gateway}/v1/requests/${rerunId}`, { headers: { authorization: `Bearer ${adminToken}` } })
    ).json()) as { resources: Array<{ cpu: number; hostname?: string }>; outputs: { vms: unknown[] } };
    expect(rerun.resources.map((r) => [r.cpu, r.hostname])).toEqual([
      [2, undefined],
      [2, 'ruth-db'],
    ]);
    expect(rerun.outputs.vms).toHaveLength(2);
  });

  it('lets an admin make a token that works at once, and revoke it', async () => {
    await signIn();
    await page.click('a[href="#/tokens"]');
    await page.fill('#token-name', 'tess');
    await page.selectOption('#token-role', 'requester');
    await page.click('form.inline-form button[type=submit]');
    const made = String(await (await page.waitForSelector('#new-secret')).textContent());
    // Shown once, so it is copied with one click.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway });
    await page.click('.made button:has-text("Copy")');
    await expect.poll(() => page.textContent('.made [role=status]')).toBe(' Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(made);
    const asTess = () => fetch(`${gateway}/v1/me`, { headers: { authorization: `Bearer ${made}` } });
    expect((await (await asTess()).json()) as unknown).toMatchObject({ name: 'tess', role: 'requester' });

    // The admin's own token is marked, and revoking it warns that it signs the page out.
    const own = page.locator('table.tokens tr', { hasText: 'oo-up-admin' });
    expect(await own.textContent()).toContain('(signed in with it)');
    const warned = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.dismiss();
      }),
    );
    await own.locator('button:has-text("Revoke")').click();
    expect(await warned).toContain('you are signed out at once');

    const row = page.locator('table.tokens tr', { hasText: 'tess' });
    page.once('dialog', (dialog) => void dialog.accept());
    await row.locator('button:has-text("Revoke")').click();
    await expect.poll(() => row.textContent()).toContain('revoked');
    await expect.poll(async () => (await asTess()).status, { timeout: 60_000 }).toBe(401);
  });

  it('cancels a running request from its page: the AWX job is canceled, the request ends cancelled', async () => {
    // The next build job runs for minutes: long enough to be cancelled while it runs.
    const scripted = await fetch(`${awx}/_sim/outcomes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jobTemplate: 'oo-build-vm', outcome: 'slow_running', times: 1 }),
    });
    expect(scripted.status).toBeLessThan(300);
    await signIn();
    await page.click('a[href="#/new"]');
    await page.waitForSelector('form.request-form');
    await page.click('button[type=submit]');
    await page.waitForURL(/#\/requests\/req_[^/]+$/);
    await expect
      .poll(() => page.textContent('ol.events'), { timeout: 60_000 })
      .toContain('task wait (awx.wait_job) running');

    // Cancel asks first: declined, nothing is sent.
    const cancels: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/cancel')) cancels.push(req.url());
    });
    // Each question is awaited: a click that raised none fails here, not at a later step.
    const declined = page.waitForEvent('dialog', { timeout: 10_000 }).then((dialog) => dialog.dismiss());
    await page.click('.actions button:has-text("Cancel")');
    await declined;
    await page.waitForTimeout(500);
    expect(cancels).toEqual([]);
    expect(await page.isEnabled('.actions button.danger')).toBe(true);

    // The note may be gone again within a poll's interval (on a fast host the request ends at once):
    // every text it shows is kept as it comes.
    await page.evaluate(() => {
      const seen: string[] = [];
      (globalThis as { __notes?: string[] }).__notes = seen;
      new MutationObserver(() => {
        for (const note of document.querySelectorAll('p[role=status]'))
          if (note.textContent) seen.push(note.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const accepted = page.waitForEvent('dialog', { timeout: 10_000 }).then((dialog) => dialog.accept());
    await page.click('.actions button:has-text("Cancel")');
    await accepted;
    // Said as news, not as an error, and the button cannot be pressed again meanwhile.
    await expect
      .poll(() => page.evaluate(() => (globalThis as { __notes?: string[] }).__notes ?? []))
      .toEqual(expect.arrayContaining([expect.stringContaining('Cancel sent')]));
    expect(await page.textContent('p.error[role=alert]')).toBe('');
    expect(cancels).toHaveLength(1);
    await page.waitForSelector('#request-status [data-status=cancelled]', { timeout: 60_000 });
    // Once ended, the note has done its work.
    await expect.poll(() => page.textContent('p[role=status]')).toBe('');
    // The runner cancels the job as the run's cancel reaches the waiting task.
    const slowJob = async () => {
      const { jobs } = (await (await fetch(`${awx}/_sim/jobs?job_template=oo-build-vm`)).json()) as {
        jobs: Array<{ outcome: string; status: string; history: string[] }>;
      };
      return jobs.find((job) => job.outcome === 'slow_running');
    };
    await expect.poll(async () => (await slowJob())?.status, { timeout: 30_000 }).toBe('canceled');
    // Ended: the admin is offered the two reruns, resume and restart.
    expect(await page.$$('.actions button')).toHaveLength(2);
  });

  it('fits a phone: the navigation wraps on screen, and wide tables scroll inside their card', async () => {
    await submitOverApi([aRecord('phone', '10.10.0.79')]);
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn();
    await page.waitForSelector('table.requests tbody tr a');
    const fits = () =>
      page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    expect(await fits()).toBe(true);
    const signOut = await page.locator('nav button.link').boundingBox();
    expect(signOut && signOut.x + signOut.width <= 390).toBe(true);
    await page.click('table.requests tbody tr a');
    await page.waitForSelector('#request-status .badge');
    expect(await fits()).toBe(true);
    await page.click('a[href="#/status"]');
    await page.waitForSelector('table.presence tbody tr');
    expect(await fits()).toBe(true);
    expect(troubles).toEqual([]);
  });
});
