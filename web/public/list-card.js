// @ts-check
/**
 * A card listing what one `GET` answers, with a Refresh button: the status page's actors and its
 * workflow templates. `read` fetches the list and makes its summary line and table rows; a failure
 * shows in the card's alert line, and the rows shown before stay.
 */
import { describeError } from './api.js';
import { h, replace, table } from './dom.js';

/**
 * @param {{
 *   title: string, className: string, columns: string[], signal: AbortSignal,
 *   read: () => Promise<{ summary: string, rows: import('./dom.js').Child[] }>,
 * }} how
 * @returns {HTMLElement}
 */
export function listCard({ title, className, columns, signal, read }) {
  const rows = h('tbody');
  const message = h('p', { class: 'error', role: 'alert' });
  const summary = h('p', { class: 'hint' });

  async function load() {
    try {
      const list = await read();
      if (signal.aborted) return;
      message.textContent = '';
      summary.textContent = list.summary;
      replace(rows, list.rows);
    } catch (err) {
      message.textContent = describeError(err);
    }
  }
  void load();

  return h(
    'section',
    { class: 'card' },
    h('h2', {}, title),
    h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => load() }, 'Refresh')),
    summary,
    message,
    table(className, columns, rows),
  );
}
