// @ts-check
/**
 * One request: its status, what it asked for, its runs and their tasks, its commits, outputs and
 * error, and its events as they happen. Each event read refreshes the view from
 * `GET /v1/requests/:id` (the read model), at most a few times a second. Cancel is offered to its
 * requester, operators and admins, rerun to operators and admins (the gateway decides all the same).
 */
import { call, describeError } from './api.js';
import { badge, h, replace, table, when } from './dom.js';
import { followEvents } from './event-feed.js';
import { resourceSummary } from './request-list.js';

/**
 * @typedef {{ code: string, message: string }} ErrorData
 * @typedef {{ id: string, type: string, status: string, attempts: number, startedAt: string | null, finishedAt: string | null, error: ErrorData | null }} TaskView
 * @typedef {{ runId: string, template: string, version: number, parentRunId: string | null, status: string, tasks: TaskView[], error: ErrorData | null }} RunView
 * @typedef {{
 *   requestId: string, traceId: string, status: string, submittedBy: string, submittedAt: string,
 *   updatedAt: string, resources: Record<string, unknown>[], template: string | null, runId: string | null,
 *   managed: boolean | null, notes: string | null, notify: string[], catalogItem: string | null,
 *   rerunOf: string | null, reasons: { path: string, message: string }[] | null,
 *   runs: RunView[], commits: { repo: string, commit: string }[], outputs: unknown,
 *   error: ErrorData | null, links: { trace?: string },
 * }} RequestView
 */

const ENDED = new Set(['succeeded', 'failed', 'rejected', 'cancelled']);
/** At most one refresh per this many ms while events pour in. */
const REFRESH_MS = 300;
/** How often, and how many times, the view is read again until it shows the end the stream told. */
const LATE_READ_MS = 500;
const LATE_READS = 20;
/** How long the first read waits for the first event (ms). */
const FIRST_READ_MS = 3_000;

/**
 * One line for an event frame of the stream.
 * @param {string} kind request | run | task
 * @param {Record<string, any>} body
 */
export function eventLine(kind, body) {
  const error = body.error ? `: ${body.error.message} (${body.error.code})` : '';
  if (kind === 'task') {
    const retry = body.retryAt ? `, retry at ${when(body.retryAt)}` : '';
    // Attempt 0: never dispatched itself (a forEach as a whole, a task skipped before it ran).
    const attempt = body.attempt > 0 ? `, attempt ${body.attempt}` : '';
    return `task ${body.taskKey} (${body.type}) ${body.status}${attempt}${retry}${error}`;
  }
  if (kind === 'run') return `run ${body.template} v${body.version} ${body.status}${error}`;
  return `request ${body.status}${error}`;
}

/**
 * @param {{ token: string, requestId: string, signal: AbortSignal, me: import('./app.js').Me }} how
 * `me`: the caller, whose permissions decide which actions are offered
 * @returns {HTMLElement}
 */
export function requestPageView({ token, requestId, signal, me }) {
  const head = h('div', {}, h('h2', {}, 'Request ', h('code', {}, requestId)));
  const detail = h('div', {}, h('p', {}, 'Loading…'));
  const actions = h('div', { class: 'actions' });
  const actionMessage = h('p', { class: 'error', role: 'alert' });
  // What an action did, told apart from what went wrong (not in red, not an alert).
  const actionNote = h('p', { class: 'hint', role: 'status' });
  const log = h('ol', { class: 'events' });
  const feedState = h('p', { class: 'hint' }, 'following events…');
  /** Sequences of stored events shown, so a stream opened again shows each once. */
  const seen = new Set();
  let refreshing = false;
  let again = false;
  /** The status the event stream ended with; the view is read again until it shows it. */
  let endedAs = '';
  let lateReads = 0;
  /** Cancel was sent: the button stays off until the request ends, however often it redraws. */
  let cancelSent = false;

  async function refresh() {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      const view = /** @type {RequestView} */ (
        await call(token, 'GET', `/v1/requests/${encodeURIComponent(requestId)}`)
      );
      if (!signal.aborted) {
        replace(detail, render(view));
        replace(actions, actionButtons(view));
        if (ENDED.has(view.status)) actionNote.textContent = '';
        // The stream tells the end as it happens; the read model folds it a moment later.
        if (endedAs && view.status !== endedAs && lateReads++ < LATE_READS) setTimeout(refresh, LATE_READ_MS);
      }
    } catch (err) {
      if (!signal.aborted) replace(detail, h('p', { class: 'error' }, describeError(err)));
    } finally {
      refreshing = false;
      if (again && !signal.aborted) {
        again = false;
        setTimeout(refresh, REFRESH_MS);
      }
    }
  }

  /** @param {'cancel' | 'resume' | 'restart'} what */
  async function act(what) {
    actionMessage.textContent = '';
    const id = encodeURIComponent(requestId);
    try {
      if (what === 'cancel') {
        // One click on a red button should not stop a build by mistake.
        if (!confirm(`Cancel request ${requestId}? The work under way is stopped.`)) return;
        cancelSent = true;
        for (const button of actions.querySelectorAll('button')) button.disabled = true;
        const cancel = actions.querySelector('button.danger');
        if (cancel) cancel.textContent = 'Cancelling…';
        await call(token, 'POST', `/v1/requests/${id}/cancel`, { reason: 'cancelled in the web UI' });
        actionNote.textContent = 'Cancel sent; the request ends once its running tasks stop.';
      } else {
        const accepted = await call(token, 'POST', `/v1/requests/${id}/rerun`, { mode: what });
        location.hash = `#/requests/${encodeURIComponent(accepted.requestId)}`;
      }
    } catch (err) {
      if (what === 'cancel') {
        cancelSent = false;
        for (const button of actions.querySelectorAll('button')) button.disabled = false;
        const cancel = actions.querySelector('button.danger');
        if (cancel) cancel.textContent = 'Cancel';
      }
      actionMessage.textContent = describeError(err);
    }
  }

  /** @param {RequestView} view */
  function actionButtons(view) {
    if (!ENDED.has(view.status)) {
      // Requesters may cancel their own requests; operators and admins any.
      const mayCancel = me.permissions.includes('cancel') || view.submittedBy === me.name;
      return mayCancel
        ? h(
            'button',
            { type: 'button', class: 'danger', disabled: cancelSent, onclick: () => act('cancel') },
            cancelSent ? 'Cancelling…' : 'Cancel',
          )
        : null;
    }
    // A request refused before it ran has nothing to rerun: submit it again instead.
    if (view.status === 'succeeded' || view.runId === null || !me.permissions.includes('rerun')) return null;
    return [
      h('button', { type: 'button', onclick: () => act('resume') }, 'Rerun, keeping what succeeded'),
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => act('restart') },
        'Rerun from scratch',
      ),
      // The form holds what was asked for once the read model has folded the body.
      view.resources.length > 0
        ? h(
            'a',
            { class: 'button secondary', href: `#/requests/${encodeURIComponent(view.requestId)}/edit` },
            'Edit and rerun',
          )
        : null,
    ];
  }

  // The first read waits for the first event: right after a 202 the read model may not know the
  // request yet, while the event stream waits for it. Without any event, it reads anyway.
  const firstRead = setTimeout(refresh, FIRST_READ_MS);
  signal.addEventListener('abort', () => clearTimeout(firstRead));
  followEvents(token, requestId, {
    signal,
    onFrame(frame) {
      /** @type {Record<string, any>} */
      let data;
      try {
        data = JSON.parse(frame.data);
      } catch {
        return;
      }
      clearTimeout(firstRead);
      if (frame.event === 'end') {
        endedAs = String(data.status);
        feedState.textContent = `ended: ${data.status}`;
        void refresh();
        return;
      }
      if (frame.event === 'error') {
        feedState.textContent = String(data.message ?? 'the event stream failed');
        return;
      }
      if (typeof data.seq === 'number') {
        if (seen.has(data.seq)) return;
        seen.add(data.seq);
      }
      log.appendChild(
        h('li', {}, h('time', {}, when(data.at)), ' ', eventLine(frame.event, data.body ?? {})),
      );
      void refresh();
    },
    onTrouble(why) {
      feedState.textContent = `${why}; opening it again…`;
    },
  }).catch((err) => {
    clearTimeout(firstRead);
    feedState.textContent = describeError(err);
    void refresh();
  });

  return h(
    'section',
    { class: 'card' },
    head,
    detail,
    actions,
    actionMessage,
    actionNote,
    h('h3', {}, 'Events'),
    feedState,
    log,
  );
}

/** @param {RequestView} view */
function render(view) {
  return [
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Status'),
      h('dd', { id: 'request-status' }, badge(view.status)),
      h('dt', {}, 'Asked for'),
      h(
        'dd',
        {},
        resourceSummary(view.resources),
        view.managed === null ? null : view.managed ? ', managed (Terraform)' : ', built once (Ansible)',
      ),
      view.catalogItem ? [h('dt', {}, 'Catalog item'), h('dd', {}, view.catalogItem)] : null,
      view.notes
        ? [h('dt', {}, 'Notes'), h('dd', { id: 'request-notes', class: 'notes' }, view.notes)]
        : null,
      view.notify.length ? [h('dt', {}, 'Also told'), h('dd', {}, view.notify.join(', '))] : null,
      h('dt', {}, 'Submitted'),
      h('dd', {}, `${when(view.submittedAt)} by ${view.submittedBy}`),
      h('dt', {}, 'Updated'),
      h('dd', {}, when(view.updatedAt)),
      h('dt', {}, 'Trace'),
      h(
        'dd',
        {},
        h('code', {}, view.traceId),
        view.links.trace
          ? [
              ' ',
              h(
                'a',
                { href: view.links.trace, target: '_blank', rel: 'noopener noreferrer' },
                'open the trace',
              ),
            ]
          : null,
      ),
      view.rerunOf
        ? [
            h('dt', {}, 'Rerun of'),
            h('dd', {}, h('a', { href: `#/requests/${encodeURIComponent(view.rerunOf)}` }, view.rerunOf)),
          ]
        : null,
      view.template ? [h('dt', {}, 'Workflow'), h('dd', {}, view.template)] : null,
    ),
    view.error
      ? h('p', { class: 'error', id: 'request-error' }, `${view.error.message} (${view.error.code})`)
      : null,
    view.reasons?.length
      ? h(
          'div',
          { id: 'request-reasons' },
          h('h3', {}, 'Why it was refused'),
          h(
            'ul',
            {},
            view.reasons.map((r) => h('li', {}, h('code', {}, r.path), ` ${r.message}`)),
          ),
        )
      : null,
    view.commits.length
      ? [
          h('h3', {}, 'Commits'),
          h(
            'ul',
            {},
            view.commits.map((c) => h('li', {}, h('code', {}, c.commit.slice(0, 12)), ` in ${c.repo}`)),
          ),
        ]
      : null,
    view.outputs !== null && view.outputs !== undefined
      ? [h('h3', {}, 'Result'), h('pre', { id: 'request-outputs' }, JSON.stringify(view.outputs, null, 2))]
      : null,
    view.runs.map(runTable),
  ];
}

/** @param {RunView} run */
function runTable(run) {
  return h(
    'div',
    { class: 'run' },
    h(
      'h3',
      {},
      `${run.parentRunId ? 'Child run' : 'Run'} `,
      h('code', {}, run.template),
      ` v${run.version} `,
      badge(run.status),
    ),
    run.error ? h('p', { class: 'error' }, `${run.error.message} (${run.error.code})`) : null,
    table(
      'tasks',
      ['Task', 'Type', 'Status', 'Attempts', 'Finished'],
      h(
        'tbody',
        {},
        run.tasks.map((task) =>
          h(
            'tr',
            {},
            h('td', {}, task.id),
            h('td', {}, task.type),
            h(
              'td',
              {},
              badge(task.status),
              task.error ? h('div', { class: 'error' }, task.error.message) : null,
            ),
            h('td', {}, task.attempts > 0 ? String(task.attempts) : '—'),
            h('td', {}, when(task.finishedAt)),
          ),
        ),
      ),
    ),
  );
}
