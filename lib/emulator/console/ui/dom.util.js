// @ts-check
/**
 * DOM helpers. Every piece of data (message bodies, ids, tags, property values) enters the page as
 * a Text node or an attribute value, never as HTML: there is no innerHTML anywhere in the console.
 */

/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * Creates an element. Attributes: `class`, `on<event>` listeners, booleans (true = present);
 * every other value is set as an attribute string.
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    } else if (name === 'class') {
      el.className = String(value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {(Child | Child[])[]} children
 */
function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
}

/**
 * Replaces a container's content and keeps keyboard focus: the focused element inside it (found
 * again by its `data-focus-key`) is focused in the new content, so live refreshes never throw a
 * keyboard or screen-reader user back to the top of the page. The content is built only after
 * the focus is noted (building may move a node that has the focus).
 * @param {Element} container
 * @param {() => (Child | Child[])[]} build
 */
export function replaceKeepingFocus(container, build) {
  const active = document.activeElement;
  const key =
    active instanceof HTMLElement && container.contains(active)
      ? active.dataset.focusKey
      : undefined;
  const children = build();
  container.replaceChildren();
  append(container, children);
  if (key !== undefined) {
    const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again instanceof HTMLElement) again.focus();
  }
}

/**
 * A table with a caption (its accessible name) and column headers.
 * @param {string} caption
 * @param {string[]} columns
 * @param {HTMLElement[]} rows `tr` elements
 * @param {string} empty text shown when there is no row
 */
export function table(caption, columns, rows, empty) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      null,
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          columns.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h('tbody', null, rows),
    ),
  );
}

/** @param {string} text */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (region === null) return;
  // Cleared first so that the same message twice is announced twice.
  region.textContent = '';
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

/**
 * A status line for an action's outcome. The element is a `role="status"` live region, so
 * screen readers announce it (not also through the page's announcer: that would say it twice).
 * @param {HTMLElement} el
 * @param {string} text
 * @param {'ok' | 'error'} kind
 */
export function showResult(el, text, kind) {
  el.textContent = text;
  el.dataset.kind = kind;
}
