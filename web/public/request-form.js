// @ts-check
/**
 * Ask for something: virtual machines or DNS records (one type per request, as the requests actor
 * takes them; one or more of it), from a form offering what the policy permits (`GET /v1/catalog/options`),
 * sent as `POST /v1/requests`. Each form carries one Idempotency-Key, so sending it twice (a double
 * click, a retry after a lost answer) makes one request. A refusal shows each failing field's rule
 * beside the field.
 */
import { ApiError, call, describeError } from './api.js';
import { dnsFields } from './dns-fields.js';
import { h, replace } from './dom.js';
import { field, setValue, showFieldErrors, textOf } from './form-fields.js';
import { guardLeaving } from './leave-guard.js';
import { resourceList } from './resource-list.js';
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
 * @typedef {{
 *   requestId: string, resources: Record<string, unknown>[], managed: boolean | null,
 *   notes: string | null, notify: string[], catalogItem: string | null,
 * }} Original the request an edited rerun starts from (part of GET /v1/requests/:id)
 */

/**
 * A new request, or with `rerunOf` an edited rerun of that request: the form filled with what it
 * asked for, sent as `POST /v1/requests/:id/rerun` (restart, same trace, new request id).
 * @param {{ token: string, signal: AbortSignal, rerunOf?: string }} how
 * @returns {HTMLElement}
 */
export function requestFormView({ token, signal, rerunOf }) {
  const title = rerunOf ? h('h2', {}, 'Edit and rerun ', h('code', {}, rerunOf)) : h('h2', {}, 'New request');
  const view = h('section', { class: 'card' }, title, h('p', {}, 'Loading what may be asked for…'));
  Promise.all([
    call(token, 'GET', '/v1/catalog/options'),
    rerunOf ? call(token, 'GET', `/v1/requests/${encodeURIComponent(rerunOf)}`) : undefined,
  ])
    .then(([/** @type {FormOptions} */ options, /** @type {Original | undefined} */ original]) => {
      if (signal.aborted) return;
      replace(view, title, form(token, options, original));
    })
    .catch((err) => replace(view, title, h('p', { class: 'error' }, describeError(err))));
  return view;
}

/**
 * @param {string} token
 * @param {FormOptions} options
 * @param {Original} [original] the request to fill the form with and rerun
 */
function form(token, options, original) {
  const idempotencyKey = crypto.randomUUID();
  const vmModes = offered(options, 'virtual_machine');
  const dnsModes = offered(options, 'dns_record');
  /** @type {Record<string, ReturnType<typeof resourceList>>} */
  const kinds = {
    ...(vmModes
      ? {
          virtual_machine: resourceList({
            type: 'virtual_machine',
            noun: 'virtual machine',
            make: (index) => vmFields(options.virtualMachine, index),
            modes: vmModes,
          }),
        }
      : {}),
    ...(dnsModes && options.dnsZones.length > 0
      ? {
          dns_record: resourceList({
            type: 'dns_record',
            noun: 'DNS record',
            make: (index) => dnsFields(options.dnsZones, index),
            modes: dnsModes,
          }),
        }
      : {}),
  };
  const first = Object.keys(kinds)[0];
  if (first === undefined)
    return h('p', { class: 'error' }, 'Nothing may be asked for here: no resource type is offered.');
  let kind = first;
  const summary = h('div', { class: 'summary', role: 'alert' });
  const status = h('p', { class: 'error', role: 'status' });
  const submit = h('button', { type: 'submit' }, 'Submit request');

  const radios = new Map(
    Object.keys(kinds).map((name) => [
      name,
      h('input', { type: 'radio', name: 'kind', value: name, onchange: () => choose(name) }),
    ]),
  );
  /** Shows the chosen kind's fields; the others are disabled, so neither checked nor sent. */
  function choose(/** @type {string} */ chosen) {
    kind = chosen;
    for (const [name, part] of Object.entries(kinds)) {
      const fieldset = part.element;
      fieldset.hidden = name !== chosen;
      fieldset.disabled = name !== chosen;
      const radio = radios.get(name);
      if (radio) radio.checked = name === chosen;
    }
  }
  const kindChoice = h(
    'div',
    { class: 'kinds', role: 'radiogroup', 'aria-label': 'What do you need?' },
    [...radios].map(([name, radio]) =>
      h('label', { class: 'inline' }, radio, name === 'dns_record' ? ' DNS records ' : ' virtual machines '),
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

  // Leaving a form the user has typed in asks first; one sent, or left as offered, does not.
  let edited = false;
  el.addEventListener('input', () => {
    edited = true;
  });
  guardLeaving(() => (edited ? 'The request you are filling in has not been sent.' : undefined));

  // A request holds resources of one type (the requests actor refuses mixed ones).
  const asked = original?.resources[0];
  if (original && asked) {
    const type = String(asked.type);
    const part = kinds[type];
    if (!part) {
      return h('p', { class: 'error' }, `A ${type} cannot be asked for here any more; nothing to edit.`);
    }
    choose(type);
    part.fill(original.resources, original.managed);
    setValue(el, 'notes', original.notes);
    setValue(el, 'notify', original.notify.join(', '));
    submit.textContent = 'Rerun with these';
  }

  /** The request body the form holds. */
  function body() {
    const data = new FormData(el);
    /** @type {Record<string, unknown>} */
    const request = { resources: kinds[kind]?.resources() ?? [], managed: data.get('managed') === 'on' };
    if (textOf(data, 'notes')) request.notes = textOf(data, 'notes');
    // The form offers no catalog item (OO has none configured by default); a rerun keeps the original's.
    if (original?.catalogItem) request.catalogItem = original.catalogItem;
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
      const accepted = original
        ? await call(token, 'POST', `/v1/requests/${encodeURIComponent(original.requestId)}/rerun`, {
            mode: 'restart',
            body: body(),
          })
        : await call(token, 'POST', '/v1/requests', body(), { 'idempotency-key': idempotencyKey });
      edited = false;
      location.hash = `#/requests/${encodeURIComponent(accepted.requestId)}`;
    } catch (err) {
      if (err instanceof ApiError && err.problem.errors?.length) {
        // A rerun's body is its `body` field: its paths start with it.
        const errors = err.problem.errors.map((e) => ({ ...e, path: e.path.replace(/^body\./, '') }));
        showFieldErrors(el, errors, summary);
        // The gateway's "the request body is invalid … see errors" speaks to a program; the fields say what to do.
        status.textContent = `Not sent: correct ${errors.length === 1 ? 'the field' : `the ${errors.length} fields`} marked in the form.`;
      } else {
        replace(summary);
        status.textContent = describeError(err);
      }
      submit.disabled = false;
    }
  });
  return el;
}
