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
import { ANY, OTHER, readRule } from './fault.rule.read.js';
import { ACTIONS, FRONTS, MAX_FAULT_MS, OPERATIONS, SUGGESTED_CODES } from './fault.vocabulary.js';
import {
  chosen,
  clearErrors,
  errorSlot,
  field,
  radio,
  selectField,
  showErrors,
} from './form.fields.js';
import { instanceLabel } from './format.util.js';

/**
 * @param {import('./console.app.js').ConsoleContext} ctx
 * @returns {{ element: HTMLElement, fillChoices: (overview: any) => void }}
 */
export function faultForm(ctx) {
  const topics = h('datalist', { id: 'fault-topics' });
  const groups = h('datalist', { id: 'fault-groups' });
  const codes = h('datalist', { id: 'fault-codes' });
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
        hint: 'A code of the chosen front (suggested; any front’s without one), or your own.',
      }),
      field('fault-status', 'HTTP status', 'action.status', {
        inputmode: 'numeric',
        hint: '400–599. Optional for a front’s own codes; required for your own code; not used on the gRPC front.',
      }),
      field('fault-message', 'Message', 'action.message', {
        autocomplete: 'off',
        hint: 'Optional; the code’s own text by default.',
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
  // The code suggestions follow the front: each front has its own codes.
  const front = /** @type {HTMLSelectElement} */ (form.querySelector('#fault-front'));
  const suggest = () => {
    const list =
      front.value === ''
        ? Object.values(SUGGESTED_CODES)
            .flat()
            .filter((c) => c.only === undefined)
        : (SUGGESTED_CODES[front.value] ?? []);
    const label = (/** @type {{ code: string, status?: number, only?: string }} */ c) =>
      c.only !== undefined
        ? `${c.code} (${c.only} only)`
        : c.status === undefined
          ? c.code
          : `${c.code} (${c.status})`;
    codes.replaceChildren(...list.map((c) => h('option', { value: c.code }, label(c))));
  };
  front.addEventListener('change', suggest);
  suggest();

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
 * @param {number} n
 * @param {string} noun
 */
function count(n, noun) {
  return n === 1 ? `1 ${noun}` : `${n} ${noun}s`;
}
