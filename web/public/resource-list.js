// @ts-check
/**
 * The resources of one type in a request: as many as are asked for (one to begin with; "Add" adds
 * one, "Remove" takes one away, down to one), each told its place in `resources` so a refusal finds
 * its field, and the request's one `managed` control for the type.
 */
import { h } from './dom.js';
import { managedControl, setValue } from './form-fields.js';

/** A request holds at most this many resources (RequestBody). */
const MAX_RESOURCES = 50;

/**
 * @param {{
 *   type: string,
 *   noun: string,
 *   make: (index: number) => import('./form-fields.js').ResourceFields,
 *   modes: { managed: boolean, unmanaged: boolean },
 * }} kind
 */
export function resourceList({ type, noun, make, modes }) {
  /** @type {import('./form-fields.js').ResourceFields[]} */
  const items = [];
  const list = h('div', { class: 'resource-list' });
  const add = h('button', { type: 'button', class: 'secondary add-resource' }, `Add another ${noun}`);

  function renumber() {
    items.forEach((item, i) => {
      item.setIndex(i, items.length);
      const remove = item.element.querySelector(':scope > .remove-resource');
      if (remove instanceof HTMLElement) remove.hidden = items.length <= 1;
    });
    add.hidden = items.length >= MAX_RESOURCES;
  }

  function append() {
    const item = make(items.length);
    const remove = h('button', { type: 'button', class: 'secondary remove-resource' }, `Remove this ${noun}`);
    remove.addEventListener('click', () => {
      items.splice(items.indexOf(item), 1);
      item.element.remove();
      renumber();
      // The button pressed is gone; the focus goes on rather than back to the page's start.
      add.focus();
    });
    item.element.appendChild(remove);
    items.push(item);
    list.appendChild(item.element);
    renumber();
    return item;
  }
  // The new resource's first field takes the focus: that is where one types next.
  add.addEventListener('click', () => {
    /** @type {HTMLElement | null} */ (append().element.querySelector('select, input'))?.focus();
  });
  append();

  // A fieldset, so disabling it (another type chosen) keeps all of it out of the form's data.
  const element = h('fieldset', { class: `kind kind-${type}` }, list, add, managedControl(modes));
  return {
    element,
    /**
     * Shows exactly these resources, and how they were to be built.
     * @param {Record<string, unknown>[]} resources
     * @param {boolean | null} managed
     */
    fill(resources, managed) {
      for (const item of items.splice(0)) item.element.remove();
      for (const resource of resources) append().fill(resource);
      setValue(element, 'managed', managed);
    },
    /** The resources as the request body holds them, in order. */
    resources: () => items.map((item) => item.resource()),
  };
}
