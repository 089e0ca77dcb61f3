// @ts-check
/**
 * The web UI's entry: a router over the location's hash. `#/requests` lists, `#/new` asks,
 * `#/requests/<id>` follows one request, `#/sign-in` takes a token. Leaving a view aborts what it
 * started (its event stream), so only the view on screen talks to the gateway.
 */
import { h, replace } from './dom.js';
import { requestFormView } from './request-form.js';
import { requestListView } from './request-list.js';
import { requestPageView } from './request-page.js';
import { signOut, token } from './session.js';
import { signInView } from './sign-in.js';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
/** @type {AbortController | undefined} */
let current;

function show() {
  current?.abort();
  current = new AbortController();
  const signal = current.signal;
  const route = location.hash.replace(/^#/, '') || '/requests';
  const held = token();
  if (!held || route === '/sign-in') {
    replace(nav);
    const next = route === '/sign-in' ? '#/requests' : `#${route}`;
    replace(main, signInView({ next }));
    return;
  }
  replace(
    nav,
    h('a', { href: '#/requests' }, 'Requests'),
    h('a', { href: '#/new' }, 'New request'),
    h('a', { href: '/docs/' }, 'API'),
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        onclick: () => {
          signOut();
          location.hash = '#/sign-in';
        },
      },
      'Sign out',
    ),
  );
  const one = route.match(/^\/requests\/([^/]+)$/);
  if (one?.[1])
    replace(main, requestPageView({ token: held, requestId: decodeURIComponent(one[1]), signal }));
  else if (route === '/new') replace(main, requestFormView({ token: held, signal }));
  else replace(main, requestListView({ token: held, signal }));
  main.focus();
}

window.addEventListener('hashchange', show);
window.addEventListener('oo:unauthorized', (event) => {
  if (/** @type {CustomEvent<{ token: string }>} */ (event).detail.token !== token()) return;
  signOut();
  location.hash = '#/sign-in';
});
show();
