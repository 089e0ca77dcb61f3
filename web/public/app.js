// @ts-check
/**
 * The web UI's entry: a router over the location's hash. `#/requests` lists, `#/new` asks,
 * `#/requests/<id>` follows one request (`/edit`: edit and rerun it), `#/status` shows the actors alive, `#/policy` edits the
 * policy, `#/tokens` makes and revokes API tokens, `#/sign-in` takes a token. Pages a role may not use are not offered (the gateway refuses
 * them anyway). Leaving a view aborts what it started (its event stream), so only the view on
 * screen talks to the gateway.
 */
import { call, describeError } from './api.js';
import { h, replace } from './dom.js';
import { guardLeaving, mayLeave } from './leave-guard.js';
import { policyPageView } from './policy-page.js';
import { requestFormView } from './request-form.js';
import { requestListView } from './request-list.js';
import { requestPageView } from './request-page.js';
import { signOut, token } from './session.js';
import { signInView } from './sign-in.js';
import { statusPageView } from './status-page.js';
import { tokensPageView } from './tokens-page.js';

/** @typedef {{ name: string, role: string, permissions: string[] }} Me the caller (`GET /v1/me`) */

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
/** @type {AbortController | undefined} */
let current;
/** The hash of the page on screen: where a navigation the user took back returns to. */
let shownHash = location.hash;
/** The caller, once asked, for the token held. */
/** @type {{ token: string, me: Me } | undefined} */
let caller;

/** @param {string} held */
async function whoIs(held) {
  if (caller?.token !== held) caller = { token: held, me: await call(held, 'GET', '/v1/me') };
  return caller.me;
}

/** What each page is called in the window's title. */
/** @type {Record<string, string>} */
const PAGE_NAMES = {
  '/new': 'New request',
  '/status': 'Status',
  '/policy': 'Policy',
  '/tokens': 'API tokens',
};

/**
 * The window's title for a page: the tab, the history and a screen reader say which page it is.
 * @param {string} page
 */
const titled = (page) => `${page} — OO`;

/** @param {Me} me */
function navigation(me) {
  const may = (/** @type {string} */ permission) => me.permissions.includes(permission);
  return [
    h('a', { href: '#/requests' }, 'Requests'),
    h('a', { href: '#/new' }, 'New request'),
    may('readAll') ? h('a', { href: '#/status' }, 'Status') : null,
    may('policy') ? h('a', { href: '#/policy' }, 'Policy') : null,
    may('tokens') ? h('a', { href: '#/tokens' }, 'Tokens') : null,
    h('a', { href: '../docs/' }, 'API'),
    h('span', { class: 'who' }, `${me.name} (${me.role})`),
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
  ];
}

/**
 * Marks the link of the page shown, so the navigation says where one is (a request's page is
 * under Requests).
 * @param {string} route
 */
function markCurrent(route) {
  for (const link of nav.querySelectorAll('a[href^="#/"]')) {
    const to = (link.getAttribute('href') ?? '').slice(1);
    const here = route === to || (to === '/requests' && route.startsWith('/requests/'));
    if (here) link.setAttribute('aria-current', 'page');
  }
}

async function show() {
  guardLeaving(undefined);
  shownHash = location.hash;
  current?.abort();
  current = new AbortController();
  const signal = current.signal;
  const route = location.hash.replace(/^#/, '') || '/requests';
  const held = token();
  if (!held || route === '/sign-in') {
    caller = undefined;
    replace(nav);
    const next = route === '/sign-in' ? '#/requests' : `#${route}`;
    document.title = titled('Sign in');
    replace(main, signInView({ next }));
    // The one thing to do here is paste a token: the field is ready for it.
    main.querySelector('input')?.focus();
    return;
  }
  let me;
  try {
    me = await whoIs(held);
  } catch (err) {
    // A refused token has signed the page out already (oo:unauthorized).
    if (!signal.aborted) replace(main, h('p', { class: 'error' }, describeError(err)));
    return;
  }
  if (signal.aborted) return;
  replace(nav, navigation(me));
  markCurrent(route);
  const edit = route.match(/^\/requests\/([^/]+)\/edit$/);
  const one = route.match(/^\/requests\/([^/]+)$/);
  document.title = titled(
    edit?.[1]
      ? `Edit and rerun ${decodeURIComponent(edit[1])}`
      : one?.[1]
        ? `Request ${decodeURIComponent(one[1])}`
        : (PAGE_NAMES[route] ?? 'Requests'),
  );
  if (edit?.[1])
    replace(main, requestFormView({ token: held, signal, rerunOf: decodeURIComponent(edit[1]) }));
  else if (one?.[1])
    replace(main, requestPageView({ token: held, requestId: decodeURIComponent(one[1]), signal, me }));
  else if (route === '/new') replace(main, requestFormView({ token: held, signal }));
  else if (route === '/status') {
    replace(
      main,
      statusPageView({ token: held, signal, maySettle: me.permissions.includes('settleDeadLetters') }),
    );
  } else if (route === '/policy') replace(main, policyPageView({ token: held, signal }));
  else if (route === '/tokens') replace(main, tokensPageView({ token: held, signal }));
  else
    replace(main, requestListView({ token: held, signal, mayReadAll: me.permissions.includes('readAll') }));
  // A new page starts at its top, the navigation in view: focusing a page taller than the window
  // would scroll the navigation away.
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', () => {
  if (location.hash === shownHash) return;
  // Declined: the address goes back to the page still on screen, without showing it anew.
  if (!mayLeave()) {
    history.replaceState(null, '', `${location.pathname}${location.search}${shownHash}`);
    return;
  }
  void show();
});
window.addEventListener('oo:unauthorized', (event) => {
  if (/** @type {CustomEvent<{ token: string }>} */ (event).detail.token !== token()) return;
  // The token is refused: nothing on this page can be saved with it any more.
  guardLeaving(undefined);
  signOut();
  location.hash = '#/sign-in';
});
void show();
