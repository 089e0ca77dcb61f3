// @ts-check
/**
 * The caller's requests, newest first (`GET /v1/requests`), a page at a time. A requester sees
 * their own; operators and admins may see everyone's. While only the first page shows and the tab
 * is visible, it is read again every few seconds, so new requests and their statuses show without
 * a refresh (the read model answers a page from one indexed query).
 */
import { call, describeError } from './api.js';
import { badge, h, replace, table, when } from './dom.js';

/**
 * @typedef {{
 *   requestId: string, status: string, submittedBy: string, submittedAt: string,
 *   resources: Record<string, unknown>[], template: string | null, rerunOf: string | null,
 * }} RequestSummary
 */

const PAGE = 20;
/** How often the first page is read again while it shows (ms). */
const FOLLOW_MS = 5_000;
const STATUSES = ['accepted', 'running', 'succeeded', 'failed', 'rejected', 'cancelled'];

/**
 * What was asked for, in a few words: "virtual_machine rhel9 on INTRANET_DEV ×2".
 * @param {Record<string, unknown>[]} resources
 */
export function resourceSummary(resources) {
  return resources
    .map((r) => {
      if (r.type === 'virtual_machine') {
        const count = typeof r.count === 'number' && r.count > 1 ? ` ×${r.count}` : '';
        return `VM ${r.os} on ${r.network}, ${r.cpu} CPU, ${r.memoryGb} GB${count}`;
      }
      if (r.type === 'dns_record') return `DNS ${r.recordType} ${r.name}.${r.zone}`;
      return String(r.type);
    })
    .join('; ');
}

/**
 * @param {{ token: string, signal: AbortSignal, mayReadAll: boolean }} how `mayReadAll`: the caller
 * may list everyone's requests, not only their own
 * @returns {HTMLElement}
 */
export function requestListView({ token, signal, mayReadAll }) {
  const rows = h('tbody');
  const message = h('p', { class: 'error', role: 'alert' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Older requests');
  const everyone = h('input', { type: 'checkbox', id: 'everyone' });
  const statusFilter = h(
    'select',
    { id: 'status-filter', class: 'fit' },
    h('option', { value: '' }, 'any status'),
    STATUSES.map((status) => h('option', { value: status }, status)),
  );
  /** @type {string | null} */
  let cursor = null;
  /** Pages shown: the list follows itself only while it is the first alone. */
  let pages = 0;
  /** Bumped by every fresh load, so an answer to an older one is dropped. */
  let generation = 0;

  /** @param {boolean} fresh */
  async function load(fresh) {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (!everyone.checked) query.set('mine', 'true');
    if (statusFilter.value) query.set('status', statusFilter.value);
    if (!fresh && cursor) query.set('cursor', cursor);
    const mine = fresh ? ++generation : generation;
    try {
      const page = await call(token, 'GET', `/v1/requests?${query}`);
      if (signal.aborted || mine !== generation) return;
      message.textContent = '';
      const items = /** @type {RequestSummary[]} */ (page.items).map(row);
      // Filled in one step, so reading the first page again does not flicker.
      if (fresh) replace(rows, items);
      else for (const item of items) rows.appendChild(item);
      pages = fresh ? 1 : pages + 1;
      cursor = page.nextCursor;
      more.hidden = !cursor;
      if (fresh && items.length === 0)
        rows.appendChild(
          h(
            'tr',
            {},
            h('td', { colspan: 4 }, statusFilter.value ? 'None with this status.' : 'No requests yet.'),
          ),
        );
    } catch (err) {
      if (mine === generation) message.textContent = describeError(err);
    }
  }
  more.addEventListener('click', () => load(false));
  everyone.addEventListener('change', () => load(true));
  statusFilter.addEventListener('change', () => load(true));
  void load(true);
  const follow = setInterval(() => {
    if (pages === 1 && document.visibilityState === 'visible') void load(true);
  }, FOLLOW_MS);
  signal.addEventListener('abort', () => clearInterval(follow));

  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Requests'),
    h(
      'p',
      {},
      h('a', { href: '#/new', class: 'button' }, 'New request'),
      h('button', { type: 'button', class: 'secondary', onclick: () => load(true) }, 'Refresh'),
    ),
    h(
      'p',
      { class: 'filters' },
      h('label', { class: 'inline', for: 'status-filter' }, 'Show '),
      statusFilter,
      mayReadAll ? h('label', { class: 'inline' }, ' ', everyone, ' everyone’s') : null,
    ),
    message,
    table('requests', ['Request', 'Status', 'What', 'Submitted'], rows),
    more,
  );
}

/** @param {RequestSummary} item */
function row(item) {
  return h(
    'tr',
    {},
    h('td', {}, h('a', { href: `#/requests/${encodeURIComponent(item.requestId)}` }, item.requestId)),
    h('td', {}, badge(item.status)),
    h('td', {}, resourceSummary(item.resources)),
    h('td', {}, `${when(item.submittedAt)} by ${item.submittedBy}`),
  );
}
