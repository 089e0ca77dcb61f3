// @ts-check
/**
 * Sign in with an API token (`oo token create`, or the admin token `oo up` prints). The token is
 * tried on a call every role may make before it is kept, so a wrong one is told at once.
 */
import { ApiError, call, describeError } from './api.js';
import { h } from './dom.js';
import { signIn } from './session.js';

/**
 * @param {{ next: string }} how where to go once signed in
 * @returns {HTMLElement}
 */
export function signInView({ next }) {
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    required: true,
    placeholder: 'oo_…',
  });
  const message = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Sign in');

  /** @param {Event} event */
  async function onSubmit(event) {
    event.preventDefault();
    const value = input.value.trim();
    submit.disabled = true;
    message.textContent = '';
    try {
      await call(value, 'GET', '/v1/me');
      signIn(value);
      location.hash = next;
    } catch (err) {
      message.textContent =
        err instanceof ApiError && err.status === 401 ? 'This token is not accepted.' : describeError(err);
    } finally {
      submit.disabled = false;
    }
  }

  return h(
    'section',
    { class: 'card narrow' },
    h('h2', {}, 'Sign in'),
    h(
      'form',
      { onsubmit: onSubmit },
      h('label', { for: 'token' }, 'API token'),
      input,
      // Commands as code, not as the backquoted text of a README.
      h(
        'p',
        { class: 'hint' },
        'An admin makes one with ',
        h('code', {}, 'oo token create --role requester'),
        '; ',
        h('code', {}, 'oo up'),
        ' prints the admin token.',
      ),
      message,
      submit,
    ),
  );
}
