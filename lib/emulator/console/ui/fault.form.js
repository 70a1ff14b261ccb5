// @ts-check
/**
 * The form that adds a fault rule: every match field, when it applies, and every action kind with
 * its own fields. Checked in the page first (shapes and ranges, so a typo costs no round trip),
 * then by the emulator, whose 400 answer names the field (`action.status`, `match.topic`...): both
 * kinds of error are shown next to that field (`aria-invalid`, `aria-describedby`) and listed in
 * a summary whose links move the focus to the field. Keyboard only: radios with the arrow keys,
 * Enter submits, focus goes to the first field in error.
 */
import { api, ApiError } from './api.client.js';
import { h, showResult } from './dom.util.js';
import { actionText, matchText } from './fault.text.js';
import {
  ACTIONS,
  CODE_PATTERN,
  FRONTS,
  MAX_FAULT_MS,
  OPERATIONS,
  SUGGESTED_CODES,
} from './fault.vocabulary.js';
import { instanceLabel } from './format.util.js';

const MAX_INT = 2 ** 31 - 1;
/** Instance select values: absent, an exact id after '=', or a typed one. */
const ANY = '*';
const OTHER = 'other';

/**
 * @param {import('./console.app.js').ConsoleContext} ctx
 * @returns {{ element: HTMLElement, fillChoices: (overview: any) => void }}
 */
export function faultForm(ctx) {
  const topics = h('datalist', { id: 'fault-topics' });
  const groups = h('datalist', { id: 'fault-groups' });
  const codes = h(
    'datalist',
    { id: 'fault-codes' },
    SUGGESTED_CODES.map((c) => h('option', { value: c.code }, `${c.code} (${c.status})`)),
  );
  const instance = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { id: 'fault-instance', name: 'instance', 'data-field': 'match.instanceId' },
      h('option', { value: ANY }, 'Any instance'),
      h('option', { value: '=' }, instanceLabel('')),
      h('option', { value: OTHER }, 'Another instance id…'),
    )
  );
  const otherInstance = field('fault-instance-other', 'Instance id', 'match.instanceId', {
    autocomplete: 'off',
  });
  otherInstance.hidden = true;
  instance.addEventListener('change', () => {
    otherInstance.hidden = instance.value !== OTHER;
  });

  const kinds = h(
    'fieldset',
    { id: 'fault-kind', class: 'choices', 'data-field': 'action.kind' },
    h('legend', null, 'What happens'),
    errorSlot('fault-kind'),
    ACTIONS.map((a, i) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'kind', value: a.value, checked: i === 0 }),
        h('span', null, h('strong', null, a.label), ` — ${a.hint}`),
      ),
    ),
  );
  /** The fields of each action kind; only the chosen kind's are shown. */
  const params = {
    error: h(
      'fieldset',
      { class: 'params', 'data-kind': 'error' },
      h('legend', null, 'Error answer'),
      field('fault-code', 'Error code', 'action.code', {
        list: 'fault-codes',
        autocomplete: 'off',
        spellcheck: 'false',
        hint: 'An error code of the protocol (suggested), or your own.',
      }),
      field('fault-status', 'HTTP status', 'action.status', {
        inputmode: 'numeric',
        hint: '400–599. Optional for the protocol’s codes (their own status); required for your own code.',
      }),
      field('fault-message', 'Message', 'action.message', {
        autocomplete: 'off',
        hint: 'Optional; the protocol’s text by default.',
      }),
    ),
    delay: h(
      'fieldset',
      { class: 'params', 'data-kind': 'delay' },
      h('legend', null, 'Delay'),
      field('fault-ms', 'Added latency (ms)', 'action.ms', {
        inputmode: 'numeric',
        hint: `1 to ${MAX_FAULT_MS} ms (real time, also with a virtual clock).`,
      }),
    ),
    reset: h(
      'fieldset',
      {
        id: 'fault-when',
        class: 'params choices',
        'data-kind': 'reset',
        'data-field': 'action.when',
      },
      h('legend', null, 'Reset the connection'),
      errorSlot('fault-when'),
      radio('when', 'before', 'before the server acts (nothing is done)', true),
      radio('when', 'after', 'after the server acted (stored, delivered or acked; no answer)'),
    ),
    drop: null,
    stall: null,
    trickle: h(
      'fieldset',
      { class: 'params', 'data-kind': 'trickle' },
      h('legend', null, 'Trickle'),
      field('fault-interval', 'One byte every (ms)', 'action.intervalMs', {
        inputmode: 'numeric',
        hint: `1 to ${MAX_FAULT_MS} ms.`,
      }),
    ),
  };
  const summary = h('div', {
    id: 'fault-errors',
    class: 'error-summary',
    tabindex: -1,
    hidden: true,
  });
  const result = h('p', { class: 'result', role: 'status' });
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'fault-form', novalidate: true, 'aria-labelledby': 'fault-add-heading' },
      summary,
      h(
        'fieldset',
        { class: 'group' },
        h(
          'legend',
          null,
          'Which requests ',
          h('span', { class: 'sub' }, '(an empty field matches any)'),
        ),
        selectField('fault-front', 'Front', 'match.front', [
          ['', 'Any front'],
          ...FRONTS.map((f) => [f.value, f.label]),
        ]),
        selectField('fault-operation', 'Operation', 'match.operation', [
          ['', 'Any operation'],
          ...OPERATIONS.map((o) => [o, o]),
        ]),
        field('fault-topic', 'Topic', 'match.topic', { list: 'fault-topics', autocomplete: 'off' }),
        field('fault-group', 'Group', 'match.group', { list: 'fault-groups', autocomplete: 'off' }),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'fault-instance' }, 'Instance'),
          instance,
          errorSlot('fault-instance'),
        ),
        otherInstance,
      ),
      h(
        'fieldset',
        { class: 'group' },
        h('legend', null, 'When it applies ', h('span', { class: 'sub' }, '(empty: always)')),
        field('fault-probability', 'Probability', 'probability', {
          inputmode: 'decimal',
          hint: 'Greater than 0, at most 1 (e.g. 0.1), drawn from the seeded generator.',
        }),
        field('fault-count', 'At most (times)', 'count', {
          inputmode: 'numeric',
          hint: 'Then the rule is exhausted (it stays listed).',
        }),
        field('fault-after', 'After (requests let through)', 'after', {
          inputmode: 'numeric',
          hint: 'Matching requests that pass first.',
        }),
      ),
      h('fieldset', { class: 'group' }, h('legend', null, 'Action'), kinds, Object.values(params)),
      h('button', { type: 'submit' }, 'Add rule'),
      result,
      topics,
      groups,
      codes,
    )
  );
  const showParams = () => {
    const kind = chosen(form, 'kind');
    for (const [k, el] of Object.entries(params)) if (el !== null) el.hidden = k !== kind;
  };
  kinds.addEventListener('change', showParams);
  showParams();

  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearErrors(form, summary);
    const { rule, errors } = readRule(form, instance.value);
    if (errors.length > 0) {
      showErrors(form, summary, errors);
      showResult(
        result,
        `The rule was not added: ${count(errors.length, 'field')} to fix.`,
        'error',
      );
      return;
    }
    busy = true;
    try {
      const { id } = await api('faults', { method: 'POST', body: rule });
      showResult(
        result,
        `Rule ${id} added: ${matchText(rule.match ?? {})} → ${actionText(rule.action)}.`,
        'ok',
      );
      ctx.changed();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.field !== undefined) {
        const message = err.message.startsWith(`${err.field}: `)
          ? err.message.slice(err.field.length + 2)
          : err.message;
        showErrors(form, summary, [{ path: err.field, message }]);
        showResult(result, `The emulator refused the rule: ${err.message}`, 'error');
      } else {
        showResult(result, `Not added: ${/** @type {Error} */ (err).message}`, 'error');
      }
    } finally {
      busy = false;
    }
  });

  return {
    element: form,
    fillChoices(o) {
      const names = (/** @type {any[]} */ list, /** @type {string} */ key) =>
        [...new Set(list.map((x) => x[key]))].map((value) => h('option', { value }));
      topics.replaceChildren(...names(o.topics, 'topic'));
      groups.replaceChildren(...names(o.groups, 'group'));
      // Known instances after "Any instance", the emulator's own first; the choice is kept.
      const known = new Set([...instance.options].map((opt) => opt.value));
      const ids = [o.instanceId, ...o.topics.map((/** @type {any} */ t) => t.instanceId)];
      let at = 1;
      for (const id of new Set(ids)) {
        if (id === '' || known.has(`=${id}`)) continue;
        instance.insertBefore(h('option', { value: `=${id}` }, id), instance.options[at++] ?? null);
      }
    },
  };
}

/**
 * @typedef {{ path: string, message: string }} FieldError
 */

/**
 * The rule the form describes, or the mistakes in it (page checks: shapes and ranges).
 * @param {HTMLFormElement} form
 * @param {string} instanceChoice
 * @returns {{ rule: any, errors: FieldError[] }}
 */
function readRule(form, instanceChoice) {
  const text = (/** @type {string} */ id) =>
    /** @type {HTMLInputElement} */ (form.querySelector(`#${id}`)).value.trim();
  /** @type {FieldError[]} */
  const errors = [];
  /** @type {Record<string, unknown>} */
  const match = {};
  const front = text('fault-front');
  const operation = text('fault-operation');
  if (front !== '') match.front = front;
  if (operation !== '') match.operation = operation;
  if (text('fault-topic') !== '') match.topic = text('fault-topic');
  if (text('fault-group') !== '') match.group = text('fault-group');
  if (instanceChoice === OTHER) {
    if (text('fault-instance-other') === '') {
      errors.push({
        path: 'match.instanceId',
        message: 'Enter an instance id, or choose the default instance.',
      });
    } else match.instanceId = text('fault-instance-other');
  } else if (instanceChoice !== ANY) match.instanceId = instanceChoice.slice(1);

  /** @type {Record<string, unknown>} */
  const rule = { match };
  const probability = text('fault-probability');
  if (probability !== '') {
    const p = Number(probability);
    if (!(p > 0 && p <= 1)) {
      errors.push({
        path: 'probability',
        message: 'Enter a number greater than 0 and at most 1, such as 0.25.',
      });
    } else rule.probability = p;
  }
  const count = integer(text('fault-count'), 'count', 1, MAX_INT, errors, false);
  if (count !== undefined) rule.count = count;
  const after = integer(text('fault-after'), 'after', 0, MAX_INT, errors, false);
  if (after !== undefined) rule.after = after;

  const kind = chosen(form, 'kind');
  /** @type {Record<string, unknown>} */
  const action = { kind };
  switch (kind) {
    case 'error': {
      const code = text('fault-code');
      if (!CODE_PATTERN.test(code)) {
        errors.push({
          path: 'action.code',
          message:
            code === ''
              ? 'Enter an error code, such as InternalError.'
              : 'A code starts with a letter and has only letters, digits, "_" and "." (64 at most).',
        });
      }
      action.code = code;
      const status = integer(text('fault-status'), 'action.status', 400, 599, errors, false);
      if (status !== undefined) action.status = status;
      if (text('fault-message') !== '') action.message = text('fault-message');
      break;
    }
    case 'delay':
      action.ms = integer(text('fault-ms'), 'action.ms', 1, MAX_FAULT_MS, errors, true);
      break;
    case 'reset':
      action.when = chosen(form, 'when');
      if (action.when === '')
        errors.push({ path: 'action.when', message: 'Choose before or after.' });
      break;
    case 'trickle':
      action.intervalMs = integer(
        text('fault-interval'),
        'action.intervalMs',
        1,
        MAX_FAULT_MS,
        errors,
        true,
      );
      break;
    case 'drop':
    case 'stall':
      break;
    default:
      errors.push({ path: 'action.kind', message: 'Choose what happens.' });
  }
  rule.action = action;
  return { rule, errors };
}

/**
 * @param {string} value
 * @param {string} path
 * @param {number} min
 * @param {number} max
 * @param {FieldError[]} errors
 * @param {boolean} required
 */
function integer(value, path, min, max, errors, required) {
  if (value === '') {
    if (required) errors.push({ path, message: `Enter a whole number from ${min} to ${max}.` });
    return undefined;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    errors.push({ path, message: `Enter a whole number from ${min} to ${max}.` });
    return undefined;
  }
  return n;
}

/**
 * @param {HTMLFormElement} form
 * @param {string} name
 */
function chosen(form, name) {
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
function showErrors(form, summary, errors) {
  const items = [];
  /** @type {HTMLElement | undefined} */
  let first;
  for (const e of errors) {
    const control = controlFor(form, e.path);
    const target = control?.matches('fieldset')
      ? /** @type {HTMLElement | null} */ (control.querySelector('input:checked, input'))
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
function clearErrors(form, summary) {
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
function errorSlot(id) {
  return h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
}

/**
 * A labelled text input with an optional hint and its error slot.
 * @param {string} id
 * @param {string} label
 * @param {string} path the rule field it sets (as the emulator names it in errors)
 * @param {Record<string, unknown> & { hint?: string }} attrs
 */
function field(id, label, path, attrs) {
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
function selectField(id, label, path, options) {
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
function radio(name, value, text, checked = false) {
  return h(
    'label',
    { class: 'choice' },
    h('input', { type: 'radio', name, value, checked }),
    h('span', null, h('strong', null, value), ` — ${text}`),
  );
}

/**
 * @param {number} n
 * @param {string} noun
 */
function count(n, noun) {
  return n === 1 ? `1 ${noun}` : `${n} ${noun}s`;
}
