// @ts-check
/**
 * Message browser: the messages of one topic (per group, or all groups), without side effects
 * (the admin API's peek): ready, in flight with receipt handle and next-consume time, timers with
 * their due time, half messages, dead letters. Also: purge the topic.
 */
import { api, query } from './api.client.js';
import { h, replaceKeepingFocus, showResult, table } from './dom.util.js';
import { formatTime, instanceLabel, preview, relative } from './format.util.js';

const STATES = [
  ['', 'All states'],
  ['ready', 'Ready'],
  ['inflight', 'In flight'],
  ['delayed', 'Timer (delayed)'],
  ['half', 'Half (transactional)'],
  ['deadletter', 'Dead letter'],
];

/** @type {import('./console.app.js').View} */
export function messagesView(main, params, ctx) {
  const topicSelect = h('select', { id: 'msg-topic', name: 'topic' });
  const groupSelect = h('select', { id: 'msg-group', name: 'group' });
  const stateSelect = h(
    'select',
    { id: 'msg-state', name: 'state' },
    STATES.map(([value, label]) =>
      h('option', { value, selected: params.get('state') === value }, label),
    ),
  );
  const result = h('p', { class: 'result', role: 'status' });
  const list = h('div', { class: 'list' });
  const purge = h('button', { type: 'button', class: 'danger' }, 'Purge topic…');
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Which messages' },
    field('Topic', topicSelect),
    field('Group', groupSelect),
    field('State', stateSelect),
    h('button', { type: 'submit' }, 'Show'),
    purge,
  );
  main.append(h('h2', null, 'Messages'), form, result, list);

  /** @returns {{ instanceId: string, topic: string } | undefined} */
  const selected = () => {
    const value = /** @type {HTMLSelectElement} */ (topicSelect).value;
    if (value === '') return undefined;
    const [instanceId = '', topic = ''] = JSON.parse(value);
    return { instanceId, topic };
  };
  const apply = () => {
    const t = selected();
    const group = /** @type {HTMLSelectElement} */ (groupSelect).value;
    const state = /** @type {HTMLSelectElement} */ (stateSelect).value;
    ctx.go(
      `#/messages${query({
        instanceId: t?.instanceId,
        topic: t?.topic,
        group: group || undefined,
        state: state || undefined,
      })}`,
    );
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  purge.addEventListener('click', async () => {
    const t = selected();
    if (t === undefined) return;
    if (!confirm(`Delete every message of topic ${t.topic}? Dead letters stay.`)) return;
    try {
      const { purged } = await api('topics/purge', { method: 'POST', body: t });
      showResult(result, `Purged ${purged} message(s) of ${t.topic}.`, 'ok');
      ctx.changed();
    } catch (err) {
      showResult(result, `Purge failed: ${/** @type {Error} */ (err).message}`, 'error');
    }
  });

  topicSelect.addEventListener('change', async () => {
    const t = selected();
    fillGroups(await ctx.overview(), t?.instanceId ?? '', t?.topic ?? '', '', groupSelect);
  });

  let filled = false;
  return {
    async refresh() {
      const o = await ctx.overview();
      if (params.get('topic') === null && o.topics.length > 0) {
        const first = o.topics[0];
        ctx.go(`#/messages${query({ instanceId: first.instanceId, topic: first.topic })}`, true);
        return;
      }
      if (!filled) {
        filled = true;
        fillSelects(o, params, topicSelect, groupSelect);
      }
      const t = selected();
      /** @type {HTMLButtonElement} */ (purge).disabled = t === undefined;
      if (t === undefined) {
        replaceKeepingFocus(list, () => [h('p', { class: 'empty' }, 'No topic yet.')]);
        return;
      }
      const views = await api(
        `peek${query({
          instanceId: t.instanceId,
          topic: t.topic,
          group: params.get('group') ?? undefined,
          state: params.get('state') ?? undefined,
          limit: 200,
        })}`,
      );
      replaceKeepingFocus(list, () => [messagesTable(views, t, ctx.now())]);
    },
  };
}

/**
 * @param {any} o overview
 * @param {URLSearchParams} params
 * @param {HTMLElement} topicSelect
 * @param {HTMLElement} groupSelect
 */
function fillSelects(o, params, topicSelect, groupSelect) {
  const wanted = JSON.stringify([params.get('instanceId') ?? '', params.get('topic') ?? '']);
  for (const t of o.topics) {
    const value = JSON.stringify([t.instanceId, t.topic]);
    const label = `${t.topic} (${instanceLabel(t.instanceId)})`;
    topicSelect.append(h('option', { value, selected: value === wanted }, label));
  }
  fillGroups(
    o,
    params.get('instanceId') ?? '',
    params.get('topic') ?? '',
    params.get('group') ?? '',
    groupSelect,
  );
}

/**
 * @param {any} o overview
 * @param {string} instanceId
 * @param {string} topic
 * @param {string} group selected group
 * @param {HTMLElement} groupSelect
 */
function fillGroups(o, instanceId, topic, group, groupSelect) {
  groupSelect.replaceChildren(h('option', { value: '' }, 'All groups'));
  for (const g of o.groups) {
    if (g.topic !== topic || g.instanceId !== instanceId) continue;
    groupSelect.append(h('option', { value: g.group, selected: group === g.group }, g.group));
  }
}

/**
 * @param {any[]} views
 * @param {{ instanceId: string, topic: string }} t
 * @param {number} now
 */
function messagesTable(views, t, now) {
  const rows = views.map((v) => {
    const where = query({ instanceId: t.instanceId, topic: t.topic });
    const next = v.nextConsumeTime;
    return h(
      'tr',
      { 'data-state': v.state },
      h(
        'th',
        { scope: 'row' },
        h(
          'a',
          {
            href: `#/message/${encodeURIComponent(v.messageId)}${where}`,
            class: 'mono',
            'data-focus-key': `msg-${v.messageId}-${v.group ?? ''}`,
          },
          v.messageId,
        ),
      ),
      h('td', null, h('span', { class: `state state-${v.state}` }, v.state)),
      h('td', null, v.group ?? '—'),
      h('td', null, v.tag ?? '—'),
      h('td', null, v.properties.KEYS ?? '—'),
      h('td', { class: 'num' }, v.consumedTimes),
      h(
        'td',
        null,
        next === undefined ? '—' : h('time', { title: formatTime(next) }, relative(next, now)),
      ),
      h('td', { class: 'mono handle' }, v.receiptHandle ?? '—'),
      h('td', { class: 'body-preview' }, preview(v.body)),
    );
  });
  return table(
    `Messages of ${t.topic}`,
    [
      'Message id',
      'State',
      'Group',
      'Tag',
      'Key',
      'Attempts',
      'Next consume / due',
      'Receipt handle',
      'Body',
    ],
    rows,
    'No message in this selection.',
  );
}

/**
 * @param {string} label
 * @param {HTMLElement} control
 */
function field(label, control) {
  return h('label', { class: 'field' }, h('span', null, label), control);
}
