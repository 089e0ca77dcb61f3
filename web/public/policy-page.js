// @ts-check
/**
 * The policy (admins): the current version as JSON to edit, saved with `If-Match` on the version
 * it was read at, so a change someone made meanwhile is not overwritten (412: read it again). An
 * invalid policy is refused with each field's path and rule. Above it, the inventory and the
 * placement matrix (inventory-card.js); below, the versions and who set them.
 */
import { ApiError, call, describeError } from './api.js';
import { h, replace, when } from './dom.js';
import { inventoryCard } from './inventory-card.js';
import { guardLeaving } from './leave-guard.js';

/**
 * @typedef {{ version: number, policy: unknown, updatedBy: string, updatedAt: string }} PolicyRecord
 */

/**
 * @param {{ token: string, signal: AbortSignal }} how
 * @returns {HTMLElement}
 */
export function policyPageView({ token, signal }) {
  const editor = h('textarea', { id: 'policy-json', rows: 28, spellcheck: 'false', class: 'code' });
  const version = h('p', { class: 'hint' });
  const message = h('div', { class: 'error', role: 'alert' });
  const saved = h('p', { class: 'ok', role: 'status' });
  const history = h('ol', { class: 'history' });
  const save = h('button', { type: 'submit' }, 'Save as the next version');
  const reload = h('button', { type: 'button', class: 'secondary' }, 'Read it again');
  /** The version the editor holds; saving replaces only that one. */
  let held = 0;
  /** The editor's text as read, to tell whether it holds changes not saved. */
  let asRead = '';
  const placement = inventoryCard({ token, signal, editor });
  const unsaved = () => editor.value !== asRead;
  guardLeaving(() => (unsaved() ? 'The policy has changes you have not saved.' : undefined));

  async function load() {
    replace(message);
    try {
      const record = /** @type {PolicyRecord} */ (await call(token, 'GET', '/v1/policy'));
      if (signal.aborted) return;
      held = record.version;
      editor.value = JSON.stringify(record.policy, null, 2);
      asRead = editor.value;
      void placement.refresh();
      version.textContent = `Version ${record.version}, set by ${record.updatedBy} on ${when(record.updatedAt)}.`;
      const { items } = await call(token, 'GET', '/v1/policy/history?limit=20');
      replace(
        history,
        /** @type {PolicyRecord[]} */ (items).map((item) =>
          h('li', {}, `version ${item.version}, set by ${item.updatedBy} on ${when(item.updatedAt)}`),
        ),
      );
    } catch (err) {
      replace(message, describeError(err));
    }
  }

  /** @param {Event} event */
  async function onSave(event) {
    event.preventDefault();
    replace(message);
    saved.textContent = '';
    /** @type {unknown} */
    let policy;
    try {
      policy = JSON.parse(editor.value);
    } catch (err) {
      replace(message, `This is not JSON: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    save.disabled = true;
    try {
      const record = /** @type {PolicyRecord} */ (
        await call(token, 'PUT', '/v1/policy', policy, { 'if-match': `"${held}"` })
      );
      saved.textContent = `Saved as version ${record.version}.`;
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        replace(
          message,
          'Someone changed the policy since you read it. Read it again, then make your change.',
        );
      } else if (err instanceof ApiError && err.problem.errors?.length) {
        replace(
          message,
          h('p', {}, describeError(err)),
          h(
            'ul',
            {},
            err.problem.errors.map((e) => h('li', {}, h('code', {}, e.path), ` ${e.message}`)),
          ),
        );
      } else {
        replace(message, describeError(err));
      }
    } finally {
      save.disabled = false;
    }
  }

  reload.addEventListener('click', () => {
    // Reading again replaces the editor's text: changes not saved (a tick in the grid) would be lost unseen.
    if (unsaved() && !confirm('Drop the changes you have not saved, and read the policy again?')) return;
    saved.textContent = '';
    void load();
  });
  void load();

  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Policy'),
    h(
      'p',
      {},
      'What requests may ask for: images, size bounds, networks and their addresses, the cluster × datastore matrix. ',
      'Requests already being handled keep the version they read.',
    ),
    version,
    placement.element,
    h(
      'form',
      { onsubmit: onSave },
      h('label', { for: 'policy-json' }, 'The policy, as JSON'),
      editor,
      message,
      saved,
      save,
      reload,
    ),
    h('h3', {}, 'Versions'),
    history,
  );
}
