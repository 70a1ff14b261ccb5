// @ts-check
/**
 * A message body as text, JSON or hex, in tabs (WAI-ARIA tabs: arrow keys move between them).
 * The body is only ever put in the page as text (textContent of a <pre>).
 */
import { h } from './dom.util.js';

const HEX_LIMIT = 64 * 1024;

/**
 * @param {string} body
 * @param {string} idPrefix unique per page
 */
export function bodyViewer(body, idPrefix) {
  const json = prettyJson(body);
  const modes = /** @type {const} */ (['text', 'json', 'hex']);
  /** @type {Record<string, string>} */
  const labels = { text: 'Text', json: 'JSON', hex: 'Hex' };
  const panel = h('pre', {
    id: `${idPrefix}-panel`,
    role: 'tabpanel',
    tabindex: 0,
    'data-focus-key': `${idPrefix}-panel`,
    class: 'body',
  });
  /** @type {HTMLElement[]} */
  const tabs = modes.map((mode) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `${idPrefix}-tab-${mode}`,
        'aria-controls': `${idPrefix}-panel`,
        'data-mode': mode,
        'data-focus-key': `${idPrefix}-tab-${mode}`,
      },
      labels[mode],
    ),
  );
  /** @param {string} mode */
  const show = (mode) => {
    for (const tab of tabs) {
      const on = tab.dataset.mode === mode;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    panel.setAttribute('aria-labelledby', `${idPrefix}-tab-${mode}`);
    panel.textContent =
      mode === 'json' ? (json ?? 'This body is not JSON.') : mode === 'hex' ? hexDump(body) : body;
  };
  const list = h('div', { role: 'tablist', 'aria-label': 'Show the body as', class: 'tabs' }, tabs);
  list.addEventListener('click', (event) => {
    const tab = /** @type {HTMLElement} */ (event.target).closest('[role="tab"]');
    if (tab instanceof HTMLElement) show(tab.dataset.mode ?? 'text');
  });
  list.addEventListener('keydown', (event) => {
    const i = tabs.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    if (i === -1) return;
    let next = -1;
    if (event.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next === -1) return;
    event.preventDefault();
    const tab = /** @type {HTMLElement} */ (tabs[next]);
    show(tab.dataset.mode ?? 'text');
    tab.focus();
  });
  show(json !== undefined ? 'json' : 'text');
  return h('div', { class: 'body-viewer' }, list, panel);
}

/** @param {string} text */
function prettyJson(text) {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return undefined;
  }
}

/**
 * Offset, 16 bytes in hex, and their printable ASCII, per line (UTF-8 bytes of the body).
 * @param {string} text
 */
export function hexDump(text) {
  const bytes = new TextEncoder().encode(text);
  const shown = bytes.subarray(0, HEX_LIMIT);
  const lines = [];
  for (let at = 0; at < shown.length; at += 16) {
    const row = shown.subarray(at, at + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii.join('')}`);
  }
  if (bytes.length > shown.length) lines.push(`… ${bytes.length - shown.length} more bytes`);
  return lines.join('\n');
}
