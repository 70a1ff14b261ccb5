// @ts-check
/**
 * The console's shell: admin token, hash routes, the header clock, the live stream, and one view
 * at a time in <main>. Views re-read the admin API when the stream says something changed.
 */
import { api, ApiError, hasToken, setToken } from './api.client.js';
import { announce, h } from './dom.util.js';
import { formatTime } from './format.util.js';
import { openLiveStream } from './live.stream.js';
import { deadLettersView } from './deadletters.view.js';
import { messageView } from './message.view.js';
import { messagesView } from './messages.view.js';
import { overviewView } from './overview.view.js';
import { searchView } from './search.view.js';
import { sendView } from './send.view.js';

/**
 * @typedef {{ refresh?: () => void | Promise<void>, dispose?: () => void }} ViewHandle
 * @typedef {(main: HTMLElement, params: URLSearchParams, ctx: ConsoleContext) => ViewHandle} View
 * @typedef {{
 *   now: () => number,
 *   clockMode: () => string,
 *   overview: () => Promise<any>,
 *   feed: import('./live.stream.js').FeedEvent[],
 *   go: (hash: string, replace?: boolean) => void,
 *   changed: () => void,
 * }} ConsoleContext
 */

/** @type {Record<string, View>} */
const VIEWS = {
  overview: overviewView,
  messages: messagesView,
  message: messageView,
  search: searchView,
  deadletters: deadLettersView,
  send: sendView,
};
const REFRESH_MIN_MS = 400;
const FEED_SIZE = 40;

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
let now = 0;
let clockMode = '';
/** @type {Promise<any> | undefined} */
let overviewCache;
/** @type {ViewHandle} */
let current = {};
let refreshTimer = 0;
let lastRefresh = 0;

/** @type {ConsoleContext} */
const ctx = {
  now: () => now,
  clockMode: () => clockMode,
  overview: () => (overviewCache ??= api('overview')),
  feed: [],
  go: (hash, replace = false) => {
    if (replace) {
      // A view completing its own address (default selection): no extra history entry.
      history.replaceState(null, '', hash);
      void route();
    } else if (location.hash === hash) void route();
    else location.hash = hash;
  },
  changed: () => scheduleRefresh(),
};

function scheduleRefresh() {
  overviewCache = undefined;
  if (refreshTimer !== 0) return;
  const wait = Math.max(0, lastRefresh + REFRESH_MIN_MS - Date.now());
  refreshTimer = window.setTimeout(async () => {
    refreshTimer = 0;
    lastRefresh = Date.now();
    await refreshClock();
    await current.refresh?.();
  }, wait);
}

async function refreshClock() {
  const clock = await api('clock');
  showClock(clock.now, clock.mode);
}

/**
 * @param {number} time
 * @param {string} mode
 */
function showClock(time, mode) {
  now = time;
  clockMode = mode;
  const el = /** @type {HTMLTimeElement} */ (document.getElementById('clock-now'));
  el.textContent = formatTime(time);
  el.dateTime = new Date(time).toISOString();
  const badge = /** @type {HTMLElement} */ (document.getElementById('clock-mode'));
  badge.textContent = mode === 'virtual' ? 'virtual clock' : 'real clock';
  /** @type {HTMLFormElement} */ (document.getElementById('clock-form')).hidden =
    mode !== 'virtual';
}

let routes = 0;

async function route() {
  const generation = ++routes;
  // Focus follows navigation made in the page (not the first load: the skip link comes first).
  const active = document.activeElement;
  const moveFocus =
    generation > 1 &&
    (active === null || active === document.body || active.closest('nav, main') !== null);
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?', 2);
  const [name = 'overview', ...rest] = path.split('/');
  const params = new URLSearchParams(search);
  if (rest.length > 0) params.set('id', decodeURIComponent(rest.join('/')));
  const view = VIEWS[name] ?? VIEWS.overview;
  for (const link of document.querySelectorAll('#nav a')) {
    const active = /** @type {HTMLElement} */ (link).dataset.route === name;
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  current.dispose?.();
  main.replaceChildren();
  current = view(main, params, ctx);
  await current.refresh?.();
  if (generation !== routes) return; // another view took over meanwhile
  // Move focus to the new view's heading, as a page load would (screen readers read it).
  const heading = main.querySelector('h2');
  if (heading instanceof HTMLElement && moveFocus) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function startClockForm() {
  const form = /** @type {HTMLFormElement} */ (document.getElementById('clock-form'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const select = /** @type {HTMLSelectElement} */ (document.getElementById('clock-advance'));
    try {
      const clock = await api('clock', {
        method: 'POST',
        body: { advanceMs: Number(select.value) },
      });
      showClock(clock.now, clock.mode);
      announce(
        `Clock advanced by ${select.selectedOptions[0]?.text}: now ${formatTime(clock.now)}`,
      );
      scheduleRefresh();
    } catch (err) {
      announce(`Could not advance the clock: ${/** @type {Error} */ (err).message}`);
    }
  });
}

/** @param {'live' | 'offline' | 'connecting'} state */
function showLiveState(state) {
  const el = /** @type {HTMLElement} */ (document.getElementById('live-state'));
  if (el.dataset.state === state) return;
  el.dataset.state = state;
  el.textContent =
    state === 'live' ? 'Live' : state === 'offline' ? 'Offline, reconnecting…' : 'Connecting…';
  if (state !== 'connecting') announce(state === 'live' ? 'Live updates on' : 'Connection lost');
}

/** Asks for the token until the emulator accepts it. */
async function ensureAccess() {
  if (location.hash.startsWith('#token=')) {
    // Taken from the banner's link; removed from the address bar and history at once.
    setToken(decodeURIComponent(location.hash.slice('#token='.length)));
    history.replaceState(null, '', `${location.pathname}#/overview`);
  }
  for (let tries = 0; ; tries++) {
    const access = await api('access');
    if (!access.tokenRequired || access.tokenValid) return;
    await askToken(tries > 0 || hasToken());
  }
}

/** @param {boolean} rejected */
function askToken(rejected) {
  const dialog = /** @type {HTMLDialogElement} */ (document.getElementById('token-dialog'));
  const input = /** @type {HTMLInputElement} */ (document.getElementById('token-input'));
  const error = /** @type {HTMLElement} */ (document.getElementById('token-error'));
  error.textContent = rejected ? 'That token was not accepted.' : '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        setToken(input.value.trim());
        resolve(undefined);
      },
      { once: true },
    );
    dialog.showModal();
    input.focus();
  });
}

/** The skip link moves focus without touching the address (the hash holds the route). */
function startSkipLink() {
  document.querySelector('.skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
}

async function start() {
  startSkipLink();
  try {
    await ensureAccess();
  } catch (err) {
    main.replaceChildren(
      h('h2', null, 'The emulator cannot be reached'),
      h('p', { class: 'error' }, /** @type {Error} */ (err).message),
    );
    return;
  }
  startClockForm();
  await refreshClock();
  window.addEventListener('hashchange', () => void route());
  if (location.hash === '' || location.hash === '#') history.replaceState(null, '', '#/overview');
  openLiveStream({
    onStatus: showLiveState,
    onChange: (change) => {
      now = change.now;
      for (const e of change.events) ctx.feed.unshift(e);
      ctx.feed.length = Math.min(ctx.feed.length, FEED_SIZE);
      scheduleRefresh();
    },
  });
  await route();
}

void start().catch((err) => {
  const message = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err);
  main.replaceChildren(h('h2', null, 'Something went wrong'), h('p', { class: 'error' }, message));
});
