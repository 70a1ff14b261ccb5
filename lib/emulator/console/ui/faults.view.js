// @ts-check
/**
 * Faults: the rules of the emulator's fault injection with their counters, the seed, the injected
 * totals by kind, the latest injected faults (live stream), and the actions: add a rule (form),
 * remove one, remove every rule. Counters move live: the stream says when a fault was injected or
 * a rule changed (from this page, a script or code), and the view reads `/_emulator/faults` again.
 */
import { api } from './api.client.js';
import { h, replaceKeepingFocus, showResult, table } from './dom.util.js';
import { faultForm } from './fault.form.js';
import { actionText, matchText, whenText } from './fault.text.js';
import { formatTime, instanceLabel } from './format.util.js';

const KINDS = ['error', 'delay', 'reset', 'drop', 'stall', 'trickle'];

/** @type {import('./console.app.js').View} */
export function faultsView(main, _params, ctx) {
  const totals = h('div');
  const rules = h('div');
  const latest = h('div');
  const result = h('p', { class: 'result', role: 'status' });
  const form = faultForm(ctx);
  const rulesHeading = h('h3', { id: 'fault-rules-heading', tabindex: -1 }, 'Rules');
  /** @type {any} */
  let stats;

  const remove = async (/** @type {string} */ id) => {
    const ids = stats.rules.map((/** @type {any} */ r) => r.id);
    const next = ids[ids.indexOf(id) + 1] ?? ids[ids.indexOf(id) - 1];
    try {
      await api(`faults/${encodeURIComponent(id)}`, { method: 'DELETE' });
      showResult(result, `Rule ${id} removed.`, 'ok');
    } catch (err) {
      showResult(result, `Rule ${id} not removed: ${/** @type {Error} */ (err).message}`, 'error');
    }
    await refresh();
    // Its button is gone: the focus goes to the next rule's, or to the list's heading.
    const again = next === undefined ? null : rules.querySelector(`[data-rule="${next}"]`);
    (again instanceof HTMLElement ? again : rulesHeading).focus();
  };

  const clearAll = async () => {
    const n = stats.rules.length;
    if (!confirm(`Remove all ${n} fault rule(s)? The injected counters stay.`)) return;
    try {
      const { removed } = await api('faults', { method: 'DELETE' });
      showResult(result, `Removed ${removed} rule(s).`, 'ok');
    } catch (err) {
      showResult(result, `Rules not removed: ${/** @type {Error} */ (err).message}`, 'error');
    }
    await refresh();
    rulesHeading.focus();
  };

  const refresh = async () => {
    const [s, o] = await Promise.all([api('faults'), ctx.overview()]);
    stats = s;
    form.fillChoices(o);
    replaceKeepingFocus(totals, () => [injected(s)]);
    replaceKeepingFocus(rules, () => [ruleTable(s.rules, remove, clearAll)]);
    replaceKeepingFocus(latest, () => [latestFaults(ctx)]);
  };

  main.append(
    h('h2', null, 'Faults'),
    h(
      'p',
      { class: 'note' },
      'Rules make the emulator misbehave on purpose for matching protocol requests (never for the admin API or this console). ' +
        'They are tried in order; the first that applies decides.',
    ),
    totals,
    h('section', { 'aria-labelledby': 'fault-rules-heading' }, rulesHeading, result, rules),
    h(
      'section',
      { 'aria-labelledby': 'fault-latest-heading' },
      h('h3', { id: 'fault-latest-heading' }, 'Latest injected faults'),
      latest,
    ),
    h(
      'section',
      { 'aria-labelledby': 'fault-add-heading' },
      h('h3', { id: 'fault-add-heading' }, 'Add a rule'),
      form.element,
    ),
  );
  return { refresh };
}

/** @param {any} s */
function injected(s) {
  return h(
    'section',
    { 'aria-labelledby': 'fault-injected-heading', class: 'card' },
    h('h3', { id: 'fault-injected-heading' }, 'Injected since start'),
    h(
      'dl',
      { class: 'stats' },
      stat('Total', s.injected.total),
      KINDS.map((k) => stat(k[0].toUpperCase() + k.slice(1), s.injected.byKind[k] ?? 0)),
      stat('Seed', s.seed),
    ),
    h(
      'p',
      { class: 'note' },
      `The same seed and the same requests give the same faults: start with --fault-seed ${s.seed} (or faults.seed) to replay this run.`,
    ),
  );
}

/**
 * @param {string} label
 * @param {string | number} value
 */
function stat(label, value) {
  return h('div', null, h('dt', null, label), h('dd', null, String(value)));
}

/**
 * @param {any[]} list
 * @param {(id: string) => void} remove
 * @param {() => void} clearAll
 */
function ruleTable(list, remove, clearAll) {
  const rows = list.map((r) =>
    h(
      'tr',
      { 'data-exhausted': r.exhausted ? 'true' : null },
      h('th', { scope: 'row', class: 'mono' }, r.id),
      h('td', null, matchText(r.match)),
      h('td', null, whenText(r)),
      h('td', null, actionText(r.action)),
      h('td', { class: 'num' }, r.hits),
      h('td', { class: 'num' }, r.matched),
      h(
        'td',
        null,
        h(
          'span',
          { class: `state ${r.exhausted ? 'state-exhausted' : 'state-active'}` },
          r.exhausted ? 'exhausted' : 'active',
        ),
      ),
      h(
        'td',
        null,
        h(
          'button',
          {
            type: 'button',
            class: 'danger small',
            'data-rule': r.id,
            'data-focus-key': `remove-${r.id}`,
            onclick: () => remove(r.id),
          },
          'Remove',
          h('span', { class: 'visually-hidden' }, ` rule ${r.id}`),
        ),
      ),
    ),
  );
  return h(
    'div',
    null,
    table(
      'Fault rules, in the order they are tried',
      ['Rule', 'Matches', 'When', 'Action', 'Hits', 'Matched', 'State', ''],
      rows,
      'No rule: every request is served normally.',
    ),
    list.length > 0
      ? h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', class: 'danger', 'data-focus-key': 'clear-all', onclick: clearAll },
            'Remove every rule…',
          ),
        )
      : null,
  );
}

/** @param {import('./console.app.js').ConsoleContext} ctx */
function latestFaults(ctx) {
  if (ctx.faultFeed.length === 0) {
    return h('p', { class: 'empty' }, 'No fault injected since this page opened.');
  }
  return h(
    'ol',
    { class: 'feed' },
    ctx.faultFeed.map((e) =>
      h(
        'li',
        null,
        h('time', { datetime: new Date(e.at).toISOString() }, formatTime(e.at)),
        ' ',
        h('span', { class: 'kind' }, `${e.ruleId} ${e.action}`),
        ` → ${e.front} ${e.operation} · ${e.topic}`,
        e.group ? ` · ${e.group}` : '',
        h('span', { class: 'sub' }, ` (${instanceLabel(e.instanceId)})`),
      ),
    ),
  );
}
