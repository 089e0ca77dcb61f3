// @ts-check
/**
 * Building the page: elements from data, text always as text. Nothing here parses HTML, so a
 * hostile string in a request (its notes, a task's error) shows as what it is.
 */

/**
 * @typedef {string | number | boolean | null | undefined | EventListener} AttrValue
 * @typedef {Node | string | number | null | undefined | false | ChildList} Child
 * @typedef {Child[]} ChildList nested lists are flattened
 */

/**
 * An element with attributes and children. `on<event>` attributes take listeners; `false`,
 * `null` and `undefined` attributes are left out; `true` ones are set empty (`required`).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttrValue>} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/**
 * @param {Node} parent
 * @param {Child[]} children
 */
function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces what `parent` holds.
 * @param {Node} parent
 * @param {...Child} children
 */
export function replace(parent, ...children) {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/**
 * A local date and time, to the second; the ISO text where it cannot be read.
 * @param {string | null | undefined} iso
 */
export function when(iso) {
  if (!iso) return '';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString();
}

/**
 * A status as a badge: its class names the status, so it is styled by what it means.
 * @param {string} status
 */
export function badge(status) {
  return h('span', { class: `badge status-${status.replace(/[^a-z]/g, '')}`, 'data-status': status }, status);
}

/**
 * A table of class `className`: a header row of `titles` over `body`, the rows (a tbody the caller
 * may keep filling). A title is text, or an element where it says more (a mark). It comes in a
 * box that scrolls sideways, so a wide table does not widen a narrow screen's page.
 * @param {string} className
 * @param {Child[]} titles
 * @param {HTMLTableSectionElement} body
 */
export function table(className, titles, body) {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: className },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          titles.map((title) => h('th', {}, title)),
        ),
      ),
      body,
    ),
  );
}
