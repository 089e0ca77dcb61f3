// @ts-check
/**
 * Ask for virtual machines: a form offering what the policy permits (`GET /v1/catalog/options`),
 * sent as `POST /v1/requests`. Each form carries one Idempotency-Key, so sending it twice (a double
 * click, a retry after a lost answer) makes one request. A refusal shows each failing field's rule
 * beside the field, by the path the gateway names (`resources.0.disks.1.sizeGb`).
 */
import { ApiError, call, describeError } from './api.js';
import { h, replace } from './dom.js';

/**
 * @typedef {{ min: number, max: number }} Bounds
 * @typedef {{
 *   policyVersion: number,
 *   virtualMachine: {
 *     images: { name: string, family: string }[],
 *     networks: { name: string, env: string }[],
 *     cpu: Bounds, memoryGb: Bounds, diskGb: Bounds, disks: Bounds,
 *   },
 * }} FormOptions
 * @typedef {import('./api.js').FieldError} FieldError
 */

/**
 * A labelled field whose errors show under it; `path` is the body path it fills.
 * @param {string} path
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
function field(path, label, control, hint) {
  control.id = `f-${path}`;
  return h(
    'div',
    { class: 'field', 'data-path': path },
    h('label', { for: control.id }, label),
    control,
    hint ? h('small', { class: 'hint' }, hint) : null,
    h('small', { class: 'field-error', role: 'alert' }),
  );
}

/**
 * @param {string} name
 * @param {Bounds} bounds
 * @param {number} value
 */
function numberInput(name, bounds, value) {
  return h('input', {
    name,
    type: 'number',
    min: bounds.min,
    max: bounds.max,
    step: 1,
    value,
    required: true,
  });
}

/**
 * Puts each error under the field whose path is the longest prefix of the error's path, and every
 * error, with its path, in the summary (where the ones no field holds show too).
 * @param {HTMLFormElement} form
 * @param {FieldError[]} errors
 * @param {HTMLElement} summary
 */
function showFieldErrors(form, errors, summary) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('.field.invalid')) el.classList.remove('invalid');
  const fields = [...form.querySelectorAll('[data-path]')];
  /** @type {HTMLElement[]} */
  const listed = [];
  for (const error of errors) {
    const holder = fields
      .filter((f) => {
        const path = f.getAttribute('data-path') ?? '';
        return error.path === path || error.path.startsWith(`${path}.`);
      })
      .sort(
        (a, b) => (b.getAttribute('data-path') ?? '').length - (a.getAttribute('data-path') ?? '').length,
      )[0];
    const text = `${error.path}: ${error.message}`;
    const slot = holder?.querySelector('.field-error');
    if (holder && slot) {
      holder.classList.add('invalid');
      slot.textContent = slot.textContent ? `${slot.textContent}; ${error.message}` : error.message;
    }
    listed.push(h('li', {}, text));
  }
  replace(summary, listed.length ? h('ul', {}, listed) : null);
}

/**
 * The request body the form holds.
 * @param {HTMLFormElement} form
 */
function bodyOf(form) {
  const data = new FormData(form);
  const text = (/** @type {string} */ name) => String(data.get(name) ?? '').trim();
  const int = (/** @type {string} */ name) => Number(text(name));
  /** @type {Record<string, unknown>} */
  const vm = {
    type: 'virtual_machine',
    os: text('os'),
    network: text('network'),
    cpu: int('cpu'),
    memoryGb: int('memoryGb'),
    disks: data.getAll('diskGb').map((size) => ({ sizeGb: Number(size) })),
    count: int('count'),
  };
  if (text('hostname')) vm.hostname = text('hostname');
  if (text('leaseDays')) vm.lease = { days: int('leaseDays') };
  /** @type {Record<string, unknown>} */
  const body = { resources: [vm], managed: data.get('managed') === 'on' };
  if (text('notes')) body.notes = text('notes');
  const notify = text('notify')
    .split(/[\s,;]+/)
    .filter(Boolean);
  if (notify.length) body.notify = notify;
  return body;
}

/**
 * @param {{ token: string, signal: AbortSignal }} how
 * @returns {HTMLElement}
 */
export function requestFormView({ token, signal }) {
  const view = h(
    'section',
    { class: 'card' },
    h('h2', {}, 'New request'),
    h('p', {}, 'Loading what may be asked for…'),
  );
  call(token, 'GET', '/v1/catalog/options')
    .then((/** @type {FormOptions} */ options) => {
      if (!signal.aborted) replace(view, h('h2', {}, 'New request'), form(token, options));
    })
    .catch((err) =>
      replace(view, h('h2', {}, 'New request'), h('p', { class: 'error' }, describeError(err))),
    );
  return view;
}

/**
 * @param {string} token
 * @param {FormOptions} options
 */
function form(token, options) {
  const vm = options.virtualMachine;
  const idempotencyKey = crypto.randomUUID();
  const disks = h('div', { class: 'disks' });
  const addDisk = h('button', { type: 'button', class: 'secondary' }, 'Add a disk');
  const summary = h('div', { class: 'summary', role: 'alert' });
  const status = h('p', { class: 'error', role: 'status' });
  const submit = h('button', { type: 'submit' }, 'Submit request');

  function renumberDisks() {
    const rows = [...disks.children];
    rows.forEach((row, i) => {
      row.setAttribute('data-path', `resources.0.disks.${i}.sizeGb`);
      const label = row.querySelector('label');
      if (label) label.textContent = `Disk ${i + 1} (GB)`;
      const input = row.querySelector('input');
      if (input && label) {
        input.id = `f-disk-${i}`;
        label.htmlFor = input.id;
      }
      const remove = row.querySelector('button');
      if (remove) remove.hidden = rows.length <= vm.disks.min;
    });
    addDisk.hidden = rows.length >= vm.disks.max;
  }
  function diskRow(size = Math.max(vm.diskGb.min, Math.min(100, vm.diskGb.max))) {
    const input = numberInput('diskGb', vm.diskGb, size);
    const row = field('resources.0.disks.0.sizeGb', 'Disk', input, `${vm.diskGb.min}–${vm.diskGb.max}`);
    input.after(
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            row.remove();
            renumberDisks();
          },
        },
        'Remove',
      ),
    );
    disks.appendChild(row);
    renumberDisks();
  }
  addDisk.addEventListener('click', () => diskRow());
  for (let i = 0; i < vm.disks.min; i++) diskRow();

  const el = h(
    'form',
    { class: 'request-form' },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Virtual machine'),
      field(
        'resources.0.os',
        'Operating system',
        h(
          'select',
          { name: 'os', required: true },
          vm.images.map((image) => h('option', { value: image.name }, `${image.name} (${image.family})`)),
        ),
      ),
      field(
        'resources.0.network',
        'Network',
        h(
          'select',
          { name: 'network', required: true },
          vm.networks.map((network) =>
            h('option', { value: network.name }, `${network.name} (${network.env})`),
          ),
        ),
      ),
      field(
        'resources.0.cpu',
        'CPUs',
        numberInput('cpu', vm.cpu, Math.min(2, vm.cpu.max)),
        `${vm.cpu.min}–${vm.cpu.max}`,
      ),
      field(
        'resources.0.memoryGb',
        'Memory (GB)',
        numberInput('memoryGb', vm.memoryGb, Math.max(vm.memoryGb.min, Math.min(8, vm.memoryGb.max))),
        `${vm.memoryGb.min}–${vm.memoryGb.max}`,
      ),
      disks,
      addDisk,
      field(
        'resources.0.count',
        'How many',
        numberInput('count', { min: 1, max: 100 }, 1),
        'identical machines',
      ),
      field(
        'resources.0.hostname',
        'Host name (optional)',
        h('input', { name: 'hostname', autocomplete: 'off' }),
        'named for you when left empty',
      ),
      field(
        'resources.0.lease',
        'Lease in days (optional)',
        h('input', { name: 'leaseDays', type: 'number', min: 1, max: 3650, step: 1 }),
      ),
    ),
    field(
      'managed',
      'Managed',
      h('input', { name: 'managed', type: 'checkbox' }),
      'kept under Terraform, rather than built once by Ansible',
    ),
    field('notes', 'Notes (optional)', h('textarea', { name: 'notes', maxlength: 2000, rows: 3 })),
    field(
      'notify',
      'Also tell (optional)',
      h('input', { name: 'notify', autocomplete: 'off', placeholder: 'ops@example.com, …' }),
      'e-mail addresses, separated by commas',
    ),
    summary,
    status,
    submit,
  );

  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    status.textContent = '';
    try {
      const accepted = await call(token, 'POST', '/v1/requests', bodyOf(el), {
        'idempotency-key': idempotencyKey,
      });
      location.hash = `#/requests/${encodeURIComponent(accepted.requestId)}`;
    } catch (err) {
      if (err instanceof ApiError && err.problem.errors?.length)
        showFieldErrors(el, err.problem.errors, summary);
      else replace(summary);
      status.textContent = describeError(err);
      submit.disabled = false;
    }
  });
  return el;
}
