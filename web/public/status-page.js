// @ts-check
/**
 * The actor instances alive now (`GET /v1/presence`): what each has handled, what fails, when it
 * last reported, and under an instance its last error, where nobody has to scroll to see it; below,
 * the dead letters of the last day (dead-letters-card.js) and the workflow templates loaded
 * (templates-card.js). Operators and admins.
 */
import { call } from './api.js';
import { deadLettersCard } from './dead-letters-card.js';
import { h, when } from './dom.js';
import { elapsedText } from './elapsed.js';
import { listCard } from './list-card.js';
import { templatesCard } from './templates-card.js';

/**
 * @typedef {{
 *   actor: string, instance: string, host: string, pid: number,
 *   versions: { node: string, actor: string, runtime: string },
 *   startedAt: string, heartbeatAt: string, inFlight: number, handled: number, failed: number,
 *   deadLettered?: number,
 *   lastError?: { code: string, message: string, at: string },
 * }} PresenceEntry
 */

/**
 * @param {{ token: string, signal: AbortSignal, maySettle: boolean }} how
 * @returns {HTMLElement}
 */
export function statusPageView({ token, signal, maySettle }) {
  const presence = listCard({
    title: 'Actors alive',
    className: 'presence',
    columns: COLUMNS,
    signal,
    async read() {
      const { items } = /** @type {{ items: PresenceEntry[] }} */ (await call(token, 'GET', '/v1/presence'));
      const actors = new Set(items.map((entry) => entry.actor));
      const now = Date.now();
      return {
        summary: `${items.length} instance${items.length === 1 ? '' : 's'} of ${actors.size} actor${actors.size === 1 ? '' : 's'}, as of ${new Date().toLocaleTimeString()}`,
        rows: items.map((entry) => instanceRows(entry, now)),
      };
    },
  });
  return h(
    'div',
    {},
    presence,
    deadLettersCard({ token, signal, maySettle }),
    templatesCard({ token, signal }),
  );
}

const COLUMNS = [
  'Actor',
  'Instance',
  'Where',
  'Up',
  'Last heard',
  'In flight',
  'Handled',
  'Failed',
  'Dead letters',
];

/**
 * An instance's row and, when it has one, its last error in a row of its own below: as a column
 * it sat past the right edge of the card, the one thing an operator opens the page for.
 * Times are how long ago, exact in their tooltips.
 * @param {PresenceEntry} entry
 * @param {number} now
 */
function instanceRows(entry, now) {
  const { lastError } = entry;
  const instance = h(
    'tr',
    { class: lastError ? 'instance has-error' : 'instance' },
    h('td', {}, entry.actor),
    h('td', {}, h('code', {}, entry.instance)),
    h('td', {}, `${entry.host} pid ${entry.pid}`),
    h('td', { title: `since ${when(entry.startedAt)}` }, elapsedText(entry.startedAt, now)),
    h('td', { title: when(entry.heartbeatAt) }, `${elapsedText(entry.heartbeatAt, now)} ago`),
    h('td', {}, String(entry.inFlight)),
    h('td', {}, String(entry.handled)),
    h('td', {}, String(entry.failed)),
    h('td', {}, String(entry.deadLettered ?? 0)),
  );
  if (!lastError) return instance;
  return [
    instance,
    h(
      'tr',
      { class: 'last-error' },
      h(
        'td',
        { colspan: COLUMNS.length },
        h(
          'div',
          {},
          `Last error, ${elapsedText(lastError.at, now)} ago: ${lastError.message} (`,
          h('code', {}, lastError.code),
          ')',
        ),
      ),
    ),
  ];
}
