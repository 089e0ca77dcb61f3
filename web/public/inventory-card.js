// @ts-check
/**
 * The inventory beside the policy (admins): what the configured source (a file, vCenter) lists,
 * and the cluster × datastore matrix as a grid of checkboxes over the policy the editor holds. A
 * tick changes the editor's JSON (placement.js); saving is still the editor's Save, so every change
 * goes through the same If-Match and the same refusals. Names a policy holds and the inventory does
 * not are marked, and the gateway refuses new ones.
 */
import { ApiError, call, describeError } from './api.js';
import { h, replace, table, when } from './dom.js';
import { hasPlacement, isAllowed, matrixAxes, setPair } from './placement.js';

/**
 * @typedef {import('./placement.js').InventoryLists & {
 *   source: string, fetchedAt: string, policyVersion: number, gaps: { path: string, message: string }[]
 * }} InventoryView
 */

/** @param {import('./placement.js').Axis} axis */
function axisLabel(axis) {
  return axis.inInventory
    ? axis.name
    : h('span', { class: 'missing', title: 'not in the inventory' }, `${axis.name} (not in the inventory)`);
}

/**
 * @param {{ token: string, signal: AbortSignal, editor: HTMLTextAreaElement }} how
 * @returns {{ element: HTMLElement, refresh(): Promise<void> }}
 */
export function inventoryCard({ token, signal, editor }) {
  const source = h('p', { class: 'hint' });
  const message = h('div', { class: 'error', role: 'alert' });
  const gaps = h('div', { class: 'gaps' });
  const grid = h('div', { class: 'matrix' });
  const networks = h('div', { class: 'networks' });
  /** @type {InventoryView | undefined} */
  let inventory;

  function render() {
    if (!inventory) return;
    /** @type {unknown} */
    let policy;
    try {
      policy = JSON.parse(editor.value);
    } catch {
      replace(grid, h('p', { class: 'hint' }, 'The matrix shows again once the JSON below is valid.'));
      return;
    }
    if (!hasPlacement(policy)) {
      replace(grid, h('p', { class: 'hint' }, 'The JSON below has no clusters, datastores and matrix.'));
      return;
    }
    const held = policy;
    const { clusters, datastores } = matrixAxes(inventory, held);
    const body = h(
      'tbody',
      {},
      clusters.map((cluster) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, axisLabel(cluster)),
          datastores.map((datastore) =>
            h(
              'td',
              {},
              h('input', {
                type: 'checkbox',
                'aria-label': `${cluster.name} on ${datastore.name}`,
                checked: isAllowed(held, cluster.name, datastore.name),
                onchange: (/** @type {Event} */ event) => {
                  const box = /** @type {HTMLInputElement} */ (event.target);
                  editor.value = JSON.stringify(
                    setPair(held, cluster.name, datastore.name, box.checked),
                    null,
                    2,
                  );
                  render();
                  // The grid is drawn anew: the same box takes the focus, so the keyboard stays where it was.
                  const label = CSS.escape(box.getAttribute('aria-label') ?? '');
                  /** @type {HTMLElement | null} */ (
                    grid.querySelector(`input[aria-label="${label}"]`)
                  )?.focus();
                },
              }),
            ),
          ),
        ),
      ),
    );
    replace(grid, table('matrix', ['cluster \\ datastore', ...datastores.map(axisLabel)], body));
    const policyNetworks = Array.isArray(held.networks)
      ? /** @type {{ name?: unknown }[]} */ (held.networks).map((n) => String(n?.name))
      : [];
    replace(
      networks,
      h('h4', {}, 'Networks'),
      h(
        'ul',
        {},
        inventory.networks.map((n) =>
          h('li', {}, n.name, policyNetworks.includes(n.name) ? ' — in the policy' : ' — not in the policy'),
        ),
        policyNetworks
          .filter((name) => !inventory?.networks.some((n) => n.name === name))
          .map((name) =>
            h(
              'li',
              {},
              h('span', { class: 'missing' }, `${name} (not in the inventory)`),
              ' — in the policy',
            ),
          ),
      ),
    );
  }

  async function refresh() {
    replace(message);
    try {
      inventory = /** @type {InventoryView} */ (await call(token, 'GET', '/v1/inventory'));
      if (signal.aborted) return;
      source.textContent = `From ${inventory.source}, read ${when(inventory.fetchedAt)}. Tick a pair to allow VMs on it, then save the policy.`;
      replace(
        gaps,
        inventory.gaps.length > 0 &&
          h(
            'div',
            { class: 'warning' },
            h(
              'p',
              {},
              `Version ${inventory.policyVersion} of the policy names what the inventory does not list:`,
            ),
            h(
              'ul',
              {},
              inventory.gaps.map((g) => h('li', {}, h('code', {}, g.path), ` ${g.message}`)),
            ),
          ),
      );
      render();
    } catch (err) {
      inventory = undefined;
      replace(grid);
      replace(networks);
      replace(gaps);
      if (err instanceof ApiError && err.problem.code === 'OO_ERR_INVENTORY_NOT_CONFIGURED') {
        source.textContent =
          'No inventory source is configured (gateway.inventory): edit the matrix in the JSON below.';
      } else {
        source.textContent = '';
        replace(message, describeError(err));
      }
    }
  }

  editor.addEventListener('input', render);
  const element = h(
    'section',
    { class: 'placement', id: 'inventory' },
    h('h3', {}, 'Placement'),
    source,
    message,
    gaps,
    grid,
    networks,
  );
  return { element, refresh };
}
