// @ts-check
/**
 * Ask for something: a virtual machine or a DNS record (one type per request, as the requests
 * actor takes them), from a form offering what the policy permits (`GET /v1/catalog/options`),
 * sent as `POST /v1/requests`. Each form carries one Idempotency-Key, so sending it twice (a double
 * click, a retry after a lost answer) makes one request. A refusal shows each failing field's rule
 * beside the field.
 */
import { ApiError, call, describeError } from './api.js';
import { dnsFields } from './dns-fields.js';
import { h, replace } from './dom.js';
import { field, showFieldErrors, textOf } from './form-fields.js';
import { vmFields } from './vm-fields.js';

/**
 * @typedef {{ managed: boolean, unmanaged: boolean }} Modes
 * @typedef {{
 *   policyVersion: number,
 *   resourceTypes: Record<string, Modes>,
 *   virtualMachine: import('./vm-fields.js').VmOptions,
 *   dnsZones: string[],
 * }} FormOptions
 */

/**
 * How a resource type may be built; undefined when requests cannot ask for it.
 * @param {FormOptions} options
 * @param {string} type
 * @returns {Modes | undefined}
 */
function offered(options, type) {
  const modes = options.resourceTypes[type];
  return modes && (modes.managed || modes.unmanaged) ? modes : undefined;
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
  const idempotencyKey = crypto.randomUUID();
  const vmModes = offered(options, 'virtual_machine');
  const dnsModes = offered(options, 'dns_record');
  /** @type {Record<string, ReturnType<typeof vmFields>>} */
  const kinds = {
    ...(vmModes ? { virtual_machine: vmFields(options.virtualMachine, vmModes) } : {}),
    ...(dnsModes && options.dnsZones.length > 0 ? { dns_record: dnsFields(options.dnsZones, dnsModes) } : {}),
  };
  const first = Object.keys(kinds)[0];
  if (first === undefined)
    return h('p', { class: 'error' }, 'Nothing may be asked for here: no resource type is offered.');
  let kind = first;
  const summary = h('div', { class: 'summary', role: 'alert' });
  const status = h('p', { class: 'error', role: 'status' });
  const submit = h('button', { type: 'submit' }, 'Submit request');

  /** Shows the chosen kind's fields; the others are disabled, so neither checked nor sent. */
  function choose(/** @type {string} */ chosen) {
    kind = chosen;
    for (const [name, part] of Object.entries(kinds)) {
      const fieldset = /** @type {HTMLFieldSetElement} */ (part.element);
      fieldset.hidden = name !== chosen;
      fieldset.disabled = name !== chosen;
    }
  }
  const kindChoice = h(
    'div',
    { class: 'kinds', role: 'radiogroup', 'aria-label': 'What do you need?' },
    Object.keys(kinds).map((name) =>
      h(
        'label',
        { class: 'inline' },
        h('input', {
          type: 'radio',
          name: 'kind',
          value: name,
          checked: name === kind,
          onchange: () => choose(name),
        }),
        name === 'dns_record' ? ' a DNS record ' : ' a virtual machine ',
      ),
    ),
  );
  choose(kind);

  const el = h(
    'form',
    { class: 'request-form' },
    Object.keys(kinds).length > 1 ? kindChoice : null,
    Object.values(kinds).map((part) => part.element),
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

  /** The request body the form holds. */
  function body() {
    const data = new FormData(el);
    /** @type {Record<string, unknown>} */
    const request = { resources: [kinds[kind]?.resource(data)], managed: data.get('managed') === 'on' };
    if (textOf(data, 'notes')) request.notes = textOf(data, 'notes');
    const notify = textOf(data, 'notify')
      .split(/[\s,;]+/)
      .filter(Boolean);
    if (notify.length) request.notify = notify;
    return request;
  }

  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    status.textContent = '';
    try {
      const accepted = await call(token, 'POST', '/v1/requests', body(), {
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
