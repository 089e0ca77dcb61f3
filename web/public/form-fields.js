// @ts-check
/**
 * The pieces of a request form: a labelled field that knows the body path it fills, a bounded
 * number input, and the gateway's refusal shown field by field (`resources.0.disks.1.sizeGb`).
 */
import { h, replace } from './dom.js';

/**
 * @typedef {{ min: number, max: number }} Bounds
 * @typedef {import('./api.js').FieldError} FieldError
 * @typedef {{
 *   element: HTMLFieldSetElement,
 *   fill(resource: Record<string, unknown>): void,
 *   resource(): Record<string, unknown>,
 *   setIndex(index: number, of: number): void,
 * }} ResourceFields the fields of one resource of a request: shown, filled from a resource, read
 * back, and told its place in `resources` (its fields' paths follow it)
 */

/**
 * A labelled field whose errors show under it; `path` is the body path it fills.
 * @param {string} path
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function field(path, label, control, hint) {
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
export function numberInput(name, bounds, value) {
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
 * What a person calls the field `holder`: its label, after its resource's legend where the form
 * holds several ("Virtual machine 2, Host name"), rather than the body path the gateway names.
 * @param {Element} holder
 */
function fieldName(holder) {
  const label = (holder.querySelector('label')?.textContent ?? '').replace(/ \(optional\)$/, '');
  const legend = holder.closest('fieldset')?.querySelector(':scope > legend')?.textContent;
  return legend ? `${legend}, ${label}` : label;
}

/**
 * Puts each error under the field whose path is the longest prefix of the error's path, and every
 * error in the summary, named by its field (by its path where no field holds it). The first field
 * refused takes the focus, so it is on screen and typing corrects it.
 * @param {HTMLFormElement} form
 * @param {FieldError[]} errors
 * @param {HTMLElement} summary
 */
export function showFieldErrors(form, errors, summary) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('.field.invalid')) el.classList.remove('invalid');
  const fields = [...form.querySelectorAll('[data-path]')].filter((f) => !f.closest('[hidden]'));
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
    const slot = holder?.querySelector('.field-error');
    if (holder && slot) {
      holder.classList.add('invalid');
      slot.textContent = slot.textContent ? `${slot.textContent}; ${error.message}` : error.message;
    }
    listed.push(
      h('li', { 'data-path': error.path }, `${holder ? fieldName(holder) : error.path}: ${error.message}`),
    );
  }
  replace(summary, listed.length ? h('ul', {}, listed) : null);
  const first = /** @type {HTMLElement | null} */ (
    form.querySelector('.field.invalid input, .field.invalid select, .field.invalid textarea')
  );
  first?.focus();
}

/**
 * The trimmed text of a form field ('' when absent).
 * @param {FormData} data
 * @param {string} name
 */
export function textOf(data, name) {
  return String(data.get(name) ?? '').trim();
}

/**
 * The trimmed value of the control named `name` inside `root` ('' when absent): a resource's
 * fields are read from its own fieldset, as a form holds several resources with the same names.
 * @param {ParentNode} root
 * @param {string} name
 */
export function valueIn(root, name) {
  const control = /** @type {HTMLInputElement | HTMLSelectElement | null} */ (
    root.querySelector(`[name="${name}"]`)
  );
  return (control?.value ?? '').trim();
}

/**
 * Moves the fields inside `root` to resource `index`: each `resources.<n>` path (and the control id
 * and label made from it) becomes `resources.<index>`, so a refusal still finds its field.
 * @param {ParentNode} root
 * @param {number} index
 */
export function reindex(root, index) {
  for (const holder of root.querySelectorAll('[data-path]')) {
    const path = (holder.getAttribute('data-path') ?? '').replace(/^resources\.\d+/, `resources.${index}`);
    holder.setAttribute('data-path', path);
    const label = holder.querySelector('label');
    const control = holder.querySelector('input, select, textarea');
    if (control) control.id = `f-${path}`;
    if (label && control) label.htmlFor = control.id;
  }
}

/**
 * How a resource type may be built, as a form control named `managed`: a checkbox where both ways
 * are offered, a fixed hidden value where only managed is, nothing where only unmanaged is (the
 * body's default).
 * @param {{ managed: boolean, unmanaged: boolean }} modes
 */
export function managedControl(modes) {
  if (modes.managed && modes.unmanaged) {
    return field(
      'managed',
      'Managed',
      h('input', { name: 'managed', type: 'checkbox' }),
      'kept under Terraform, rather than built once by Ansible',
    );
  }
  return modes.managed ? h('input', { type: 'hidden', name: 'managed', value: 'on' }) : null;
}

/**
 * Sets the control named `name` inside `root` to `value` (a checkbox to checked when truthy);
 * nothing when there is no such control or no value.
 * @param {ParentNode} root
 * @param {string} name
 * @param {unknown} value
 */
export function setValue(root, name, value) {
  const control = /** @type {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null} */ (
    root.querySelector(`[name="${name}"]`)
  );
  if (!control || value === undefined || value === null) return;
  if (control instanceof HTMLInputElement && control.type === 'checkbox') control.checked = Boolean(value);
  else control.value = String(value);
}
