// @ts-check
/**
 * API tokens (admins): make one for a person or a service, shown once (only its hash is kept),
 * list them with when each was last used, revoke one. Every change is in the audit trail.
 */
import { call, describeError } from './api.js';
import { h, replace, table, when } from './dom.js';
import { tokenIdOf } from './token-id.js';

/**
 * @typedef {{ id: string, name: string, role: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null }} TokenInfo
 */

const ROLES = ['requester', 'operator', 'admin', 'service'];

/**
 * @param {{ token: string, signal: AbortSignal }} how
 * @returns {HTMLElement}
 */
export function tokensPageView({ token, signal }) {
  const rows = h('tbody');
  const message = h('p', { class: 'error', role: 'alert' });
  const made = h('div', { class: 'made', role: 'status' });
  const name = h('input', {
    id: 'token-name',
    class: 'fit',
    name: 'name',
    required: true,
    autocomplete: 'off',
    placeholder: 'alice',
  });
  const role = h(
    'select',
    { id: 'token-role', class: 'fit', name: 'role' },
    ROLES.map((r) => h('option', { value: r }, r)),
  );
  const create = h('button', { type: 'submit' }, 'Make a token');

  async function load() {
    try {
      const { items } = /** @type {{ items: TokenInfo[] }} */ (await call(token, 'GET', '/v1/tokens'));
      if (!signal.aborted) replace(rows, items.map(row));
    } catch (err) {
      message.textContent = describeError(err);
    }
  }

  /** The token this page is signed in with: revoking it signs the page out. */
  const mine = tokenIdOf(token);

  /** @param {TokenInfo} info */
  function row(info) {
    const warning =
      info.id === mine ? ' This is the token you are signed in with: you are signed out at once.' : '';
    const revoke = info.revokedAt
      ? `revoked ${when(info.revokedAt)}`
      : h(
          'button',
          {
            type: 'button',
            class: 'danger',
            onclick: async () => {
              if (
                !confirm(
                  `Revoke the token of ${info.name} (${info.role})? It stops working at once.${warning}`,
                )
              )
                return;
              try {
                await call(token, 'DELETE', `/v1/tokens/${encodeURIComponent(info.id)}`);
                message.textContent = '';
                await load();
              } catch (err) {
                message.textContent = describeError(err);
              }
            },
          },
          'Revoke',
        );
    return h(
      'tr',
      { 'data-token': info.id },
      h('td', {}, info.name, info.id === mine ? h('span', { class: 'muted' }, ' (signed in with it)') : null),
      h('td', {}, info.role),
      h('td', {}, when(info.createdAt)),
      h('td', {}, info.lastUsedAt ? when(info.lastUsedAt) : 'never'),
      h('td', {}, revoke),
    );
  }

  /** @param {Event} event */
  async function onCreate(event) {
    event.preventDefault();
    create.disabled = true;
    message.textContent = '';
    replace(made);
    try {
      const created = await call(token, 'POST', '/v1/tokens', { name: name.value.trim(), role: role.value });
      const secret = h('code', { id: 'new-secret' }, created.secret);
      const copied = h('span', { class: 'muted', role: 'status' });
      const copy = async () => {
        try {
          await navigator.clipboard.writeText(created.secret);
          copied.textContent = ' Copied.';
        } catch {
          // No clipboard (a page served over plain http to another host): the text is selected instead.
          getSelection()?.selectAllChildren(secret);
          copied.textContent = ' Selected: copy it with Ctrl+C.';
        }
      };
      replace(
        made,
        h(
          'p',
          {},
          `The token of ${created.token.name} (${created.token.role}). Copy it now: it is not shown again.`,
        ),
        secret,
        h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: copy }, 'Copy'), copied),
      );
      name.value = '';
      await load();
    } catch (err) {
      message.textContent = describeError(err);
    } finally {
      create.disabled = false;
    }
  }

  void load();
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'API tokens'),
    h(
      'form',
      { class: 'inline-form', onsubmit: onCreate },
      h('label', { for: 'token-name' }, 'For'),
      name,
      h('label', { for: 'token-role' }, 'Role'),
      role,
      create,
    ),
    made,
    message,
    table('tokens', ['Name', 'Role', 'Made', 'Last used', ''], rows),
  );
}
