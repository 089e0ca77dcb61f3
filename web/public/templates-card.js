// @ts-check
/**
 * The workflow templates the engine runs (`GET /v1/templates`), every version: the folder as it is
 * now, since the engine and the gateway read it again when a file is added, edited or removed.
 * Operators and admins, on the status page.
 */
import { call } from './api.js';
import { h } from './dom.js';
import { listCard } from './list-card.js';

/** @typedef {{ name: string, version: number, description: string }} TemplateInfo */

/**
 * @param {{ token: string, signal: AbortSignal }} how
 * @returns {HTMLElement}
 */
export function templatesCard({ token, signal }) {
  return listCard({
    title: 'Workflow templates',
    className: 'templates',
    columns: ['Name', 'Version', 'Description'],
    signal,
    async read() {
      const { items } = /** @type {{ items: TemplateInfo[] }} */ (await call(token, 'GET', '/v1/templates'));
      const names = new Set(items.map((t) => t.name));
      return {
        summary: `${names.size} template${names.size === 1 ? '' : 's'}, ${items.length} version${items.length === 1 ? '' : 's'}.`,
        rows: items.map((t) =>
          h(
            'tr',
            {},
            h('td', {}, h('code', {}, t.name)),
            h('td', {}, String(t.version)),
            h('td', {}, t.description),
          ),
        ),
      };
    },
  });
}
