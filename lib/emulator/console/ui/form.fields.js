// @ts-check
/**
 * Accessible form fields and their errors, for forms whose mistakes are named by a field path (the
 * page's own checks and the emulator's 400 answers use the same paths, e.g. `action.status`).
 * Every control has a label; hints and errors are tied to it with `aria-describedby`; an error
 * marks it `aria-invalid` (a radio group: its radios, the fieldset is described by the error);
 * a summary lists every error with a link that moves the focus to its field; the focus goes to
 * the first field in error.
 */
import { h } from './dom.util.js';

/**
 * @typedef {{ path: string, message: string }} FieldError
 */

/**
 * @param {HTMLFormElement} form
 * @param {string} name
 */
export function chosen(form, name) {
  const checked = form.querySelector(`input[name="${name}"]:checked`);
  return checked instanceof HTMLInputElement ? checked.value : '';
}

/**
 * The control (or radio group) a field path names, if the form has one shown.
 * @param {HTMLFormElement} form
 * @param {string} path
 * @returns {HTMLElement | undefined}
 */
function controlFor(form, path) {
  const key = path === 'action' ? 'action.kind' : path;
  /** @type {HTMLElement | undefined} */
  let found;
  // The last one shown: a typed instance id comes after the instance select.
  for (const el of form.querySelectorAll(`[data-field="${CSS.escape(key)}"]`)) {
    if (el instanceof HTMLElement && el.closest('[hidden]') === null) found = el;
  }
  return found;
}

/**
 * @param {HTMLFormElement} form
 * @param {HTMLElement} summary
 * @param {FieldError[]} errors
 */
export function showErrors(form, summary, errors) {
  const items = [];
  /** @type {HTMLElement | undefined} */
  let first;
  for (const e of errors) {
    const control = controlFor(form, e.path);
    const target = control?.matches('fieldset')
      ? /** @type {HTMLElement | null} */ (
          control.querySelector('input:checked') ?? control.querySelector('input')
        )
      : control;
    if (control !== undefined) {
      const slot = /** @type {HTMLElement} */ (form.querySelector(`#${control.id}-error`));
      slot.textContent = e.message;
      slot.hidden = false;
      // A radio group (fieldset) is described by its error; its radios are the invalid controls.
      control.dataset.invalid = 'true';
      for (const input of control.matches('fieldset')
        ? control.querySelectorAll('input')
        : [control]) {
        input.setAttribute('aria-invalid', 'true');
      }
      const described = control.getAttribute('aria-describedby') ?? '';
      control.setAttribute('aria-describedby', `${slot.id} ${described}`.trim());
      first ??= target ?? undefined;
    }
    const label = control === undefined ? e.path : labelOf(form, control);
    items.push(
      h(
        'li',
        null,
        target
          ? h(
              'a',
              {
                href: '#',
                onclick: (/** @type {Event} */ ev) => {
                  ev.preventDefault();
                  target.focus();
                },
              },
              `${label}: ${e.message}`,
            )
          : `${label}: ${e.message}`,
      ),
    );
  }
  summary.replaceChildren(
    h(
      'h4',
      null,
      errors.length === 1 ? 'One field needs a change' : `${errors.length} fields need a change`,
    ),
    h('ul', null, items),
  );
  summary.hidden = false;
  (first ?? summary).focus();
}

/**
 * @param {HTMLFormElement} form
 * @param {HTMLElement} summary
 */
export function clearErrors(form, summary) {
  summary.hidden = true;
  summary.replaceChildren();
  for (const input of form.querySelectorAll('[aria-invalid]'))
    input.removeAttribute('aria-invalid');
  for (const control of form.querySelectorAll('[data-invalid]')) {
    control.removeAttribute('data-invalid');
    const slot = form.querySelector(`#${control.id}-error`);
    if (slot instanceof HTMLElement) {
      slot.hidden = true;
      slot.textContent = '';
      const rest = (control.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .filter((id) => id !== '' && id !== slot.id);
      if (rest.length > 0) control.setAttribute('aria-describedby', rest.join(' '));
      else control.removeAttribute('aria-describedby');
    }
  }
}

/**
 * @param {HTMLFormElement} form
 * @param {HTMLElement} control
 */
function labelOf(form, control) {
  if (control.matches('fieldset')) return control.querySelector('legend')?.textContent ?? '';
  return form.querySelector(`label[for="${control.id}"]`)?.textContent ?? control.id;
}

/** @param {string} id */
export function errorSlot(id) {
  return h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
}

/**
 * A labelled text input with an optional hint and its error slot.
 * @param {string} id
 * @param {string} label
 * @param {string} path the rule field it sets (as the emulator names it in errors)
 * @param {Record<string, unknown> & { hint?: string }} attrs
 */
export function field(id, label, path, attrs) {
  const { hint, ...rest } = attrs;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('input', {
      id,
      type: 'text',
      'data-field': path,
      ...(hint !== undefined ? { 'aria-describedby': `${id}-hint` } : {}),
      ...rest,
    }),
    hint !== undefined ? h('p', { id: `${id}-hint`, class: 'hint' }, hint) : null,
    errorSlot(id),
  );
}

/**
 * @param {string} id
 * @param {string} label
 * @param {string} path
 * @param {string[][]} options [value, text]
 */
export function selectField(id, label, path, options) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h(
      'select',
      { id, 'data-field': path },
      options.map(([value, text]) => h('option', { value }, text)),
    ),
    errorSlot(id),
  );
}

/**
 * @param {string} name
 * @param {string} value
 * @param {string} text
 * @param {boolean} [checked]
 */
export function radio(name, value, text, checked = false) {
  return h(
    'label',
    { class: 'choice' },
    h('input', { type: 'radio', name, value, checked }),
    h('span', null, h('strong', null, value), ` — ${text}`),
  );
}
