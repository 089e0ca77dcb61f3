// @ts-check
/**
 * The dead letters of the last day (`GET /v1/dead-letters`): what actors could not handle, each with
 * the reason, oldest first; a letter opens to its headers and body as they came, and, for those who
 * may, to buttons sending it again once its cause is fixed (`POST /v1/dead-letters/{seq}/replay`) or
 * discarding it (`DELETE /v1/dead-letters/{seq}`). Operators and admins.
 */
import { ApiError, call, describeError } from './api.js';
import { h, replace, table, when } from './dom.js';

/**
 * @typedef {{
 *   seq: number, actor: string, subject: string, deliveries: number,
 *   headers: Record<string, string[]>, body: string, bodyEncoding: 'utf8' | 'base64',
 *   error: { code: string, message: string }, at: string, cannotReplay: string | null,
 * }} DeadLetter
 */

/** How far back the card looks (ms), and how many letters a page holds. */
const LOOK_BACK_MS = 24 * 60 * 60 * 1000;
const PAGE = 50;

/**
 * @param {{ token: string, signal: AbortSignal, maySettle: boolean }} how
 * @returns {HTMLElement}
 */
export function deadLettersCard({ token, signal, maySettle }) {
  const rows = h('tbody');
  const message = h('p', { class: 'error', role: 'alert' });
  const summary = h('p', { class: 'hint' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show more');
  const letters = table('dead-letters', ['At', 'Actor', 'Subject', 'Error', 'Why'], rows);
  const since = new Date(Date.now() - LOOK_BACK_MS).toISOString();
  /** @type {number | null} */
  let nextAfter = null;

  /** @param {boolean} again the next page, after the last letter shown */
  async function load(again) {
    const query = again && nextAfter !== null ? `after=${nextAfter}` : `since=${encodeURIComponent(since)}`;
    try {
      const page = /** @type {{ items: DeadLetter[], nextAfter: number | null }} */ (
        await call(token, 'GET', `/v1/dead-letters?${query}&limit=${PAGE}`)
      );
      if (signal.aborted) return;
      message.textContent = '';
      if (!again) replace(rows);
      rows.append(...page.items.map((letter) => row(letter, maySettle ? token : null)));
      const shown = rows.childElementCount;
      // No letters: the sentence says so, without an empty table under it.
      letters.hidden = shown === 0;
      nextAfter = page.nextAfter;
      more.hidden = nextAfter === null;
      summary.textContent =
        shown === 0
          ? 'None in the last 24 hours.'
          : `${shown}${nextAfter === null ? '' : '+'} in the last 24 hours, oldest first.`;
    } catch (err) {
      message.textContent = describeError(err);
    }
  }
  more.addEventListener('click', () => void load(true));
  void load(false);

  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Dead letters'),
    h(
      'p',
      {},
      'Messages an actor could not handle, each with the reason (',
      h('code', {}, 'oo dlq list'),
      ' reads them too).',
    ),
    summary,
    message,
    letters,
    more,
  );
}

/**
 * Sends a letter again; answers what to say of it.
 * @param {string} token
 * @param {DeadLetter} letter
 * @returns {Promise<string>}
 */
async function replay(token, letter) {
  const sent = /** @type {{ stream: string, streamSeq: number, duplicate: boolean }} */ (
    await call(token, 'POST', `/v1/dead-letters/${letter.seq}/replay`)
  );
  return sent.duplicate
    ? `Already sent again (${sent.stream} #${sent.streamSeq}): not sent twice.`
    : `Sent again (${sent.stream} #${sent.streamSeq}); if it fails again, a new letter is written.`;
}

/**
 * Discards a letter, once the user agrees; answers what to say of it (undefined: not discarded).
 * @param {string} token
 * @param {DeadLetter} letter
 * @returns {Promise<string | undefined>}
 */
async function discard(token, letter) {
  if (!confirm(`Discard letter ${letter.seq}? Its message will not be sent again.`)) return undefined;
  await call(token, 'DELETE', `/v1/dead-letters/${letter.seq}`);
  return 'Discarded: its message will not be sent again.';
}

/**
 * What settling a letter came to: what `act` says of it, or, when the letter is gone (404), that
 * another operator (or `oo dlq`) settled it since the page was read: nothing is left to do.
 * @param {(token: string, letter: DeadLetter) => Promise<string | undefined>} act
 * @param {string} token
 * @param {DeadLetter} letter
 * @returns {Promise<string | undefined>}
 */
async function settledBy(act, token, letter) {
  try {
    return await act(token, letter);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      return 'Already settled elsewhere: it is no longer among the dead letters.';
    }
    throw err;
  }
}

/**
 * The buttons that settle a letter, and what came of it; once it is settled, the buttons are gone.
 * @param {string} token
 * @param {DeadLetter} letter
 */
function settleControls(token, letter) {
  const outcome = h('p', { role: 'status' });
  const buttons = h('p', {});
  /**
   * @param {string} label
   * @param {(token: string, letter: DeadLetter) => Promise<string | undefined>} act
   */
  const button = (label, act) => {
    const element = h('button', { type: 'button', class: 'secondary' }, label);
    element.addEventListener('click', async () => {
      for (const b of buttons.querySelectorAll('button')) b.disabled = true;
      try {
        const said = await settledBy(act, token, letter);
        if (said === undefined) return;
        outcome.className = 'hint';
        outcome.textContent = said;
        buttons.remove();
      } catch (err) {
        outcome.className = 'error';
        outcome.textContent = describeError(err);
      } finally {
        for (const b of buttons.querySelectorAll('button')) b.disabled = false;
      }
    });
    return element;
  };
  // A letter the gateway says cannot go again offers only its discarding, and says why.
  if (letter.cannotReplay === null) buttons.append(button('Send again', replay), ' ');
  buttons.append(button('Discard', discard));
  const why =
    letter.cannotReplay === null
      ? null
      : h('p', { class: 'hint' }, `Cannot be sent again: ${letter.cannotReplay}.`);
  return h('div', {}, why, buttons, outcome);
}

/**
 * @param {DeadLetter} letter
 * @param {string | null} token the caller's, when they may settle letters
 */
function row(letter, token) {
  return h(
    'tr',
    {},
    h('td', {}, when(letter.at)),
    h('td', {}, letter.actor),
    h('td', {}, h('code', {}, letter.subject)),
    h('td', {}, h('code', {}, letter.error.code)),
    h(
      'td',
      {},
      h(
        'details',
        {},
        h('summary', {}, letter.error.message),
        h('p', { class: 'hint' }, `Sequence ${letter.seq}, delivered ${letter.deliveries} time(s).`),
        h('p', { class: 'hint' }, 'Headers'),
        h('pre', { class: 'code' }, JSON.stringify(letter.headers, null, 2)),
        h('p', { class: 'hint' }, letter.bodyEncoding === 'base64' ? 'Body (not UTF-8: base64)' : 'Body'),
        h('pre', { class: 'code' }, letter.body),
        token ? settleControls(token, letter) : null,
      ),
    ),
  );
}
