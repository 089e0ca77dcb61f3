// @ts-check
/**
 * The workflow templates the engine runs (`GET /v1/templates`), every version: the folder as it is
 * now, since the engine and the gateway read it again when a file is added, edited or removed.
 * Operators and admins, on the status page.
 */
import { call, describeError } from './api.js';
import { h, replace, table } from './dom.js';

/** @typedef {{ name: string, version: number, description: string }} TemplateInfo */

/**
 * @param {{ token: string, signal: AbortSignal }} how
 * @returns {HTMLElement}
 */
export function templatesCard({ token, signal }) {
  const rows = h('tbody');
  const message = h('p', { class: 'error', role: 'alert' });
  const summary = h('p', { class: 'hint' });

  async function load() {
    try {
      const { items } = /** @type {{ items: TemplateInfo[] }} */ (await call(token, 'GET', '/v1/templates'));
      if (signal.aborted) return;
      message.textContent = '';
      const names = new Set(items.map((t) => t.name));
      summary.textContent = `${names.size} template${names.size === 1 ? '' : 's'}, ${items.length} version${items.length === 1 ? '' : 's'}.`;
      replace(
        rows,
        items.map((t) =>
          h(
            'tr',
            {},
            h('td', {}, h('code', {}, t.name)),
            h('td', {}, String(t.version)),
            h('td', {}, t.description),
          ),
        ),
      );
    } catch (err) {
      message.textContent = describeError(err);
    }
  }
  void load();

  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Workflow templates'),
    h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => load() }, 'Refresh')),
    summary,
    message,
    table('templates', ['Name', 'Version', 'Description'], rows),
  );
}
